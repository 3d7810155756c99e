// A loopback HTTP server with small JSON answers, run in its own process so its CPU is not the client's.
import { createServer } from 'node:http';

const run = JSON.stringify({
  id: 'run-1',
  name: 'lora-1',
  base_model: 'llama-3-8b',
  rank: 16,
  status: 'running',
  created_at: '2026-01-01T00:00:00.000Z',
  steps: 12,
  loss: 1.25,
});

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const status = request.method === 'POST' ? 201 : 200;
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(run) });
    response.end(run);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => server.close(() => process.exit(0)));
