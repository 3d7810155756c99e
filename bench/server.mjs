// A loopback HTTP server with small JSON answers, run in its own process so its CPU is not the client's.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** The run every answer carries (about 150 bytes of JSON). */
export const RUN = {
  id: 'run-1',
  name: 'lora-1',
  base_model: 'llama-3-8b',
  rank: 16,
  status: 'running',
  created_at: '2026-01-01T00:00:00.000Z',
  steps: 12,
  loss: 1.25,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const body = JSON.stringify(RUN);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(request.method === 'POST' ? 201 : 200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
}
