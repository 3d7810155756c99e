// Serves createMetricsMock over node:http on a loopback port (as the sandbox does, through msw's
// getResponse); forked by ingestor-throughput.ts, reports its port, answers 'count' with the stored events.
import { createServer } from 'node:http';
import { getResponse } from 'msw';
import { createMetricsMock } from '../src/mocks/metrics.js';

const base = 'http://127.0.0.1';
const mock = createMetricsMock({ baseURL: base, experiments: 1 });
const server = createServer(async (incoming, outgoing) => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const request = new Request(`${base}${incoming.url}`, {
    method: incoming.method,
    headers: incoming.headers as Record<string, string>,
    body: incoming.method === 'GET' || incoming.method === 'HEAD' ? undefined : body,
  });
  const response = (await getResponse(mock.handlers, request)) ?? new Response('not found', { status: 404 });
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (message) => {
  if (message !== 'count') return;
  let events = 0;
  for (const entry of mock.state.metrics.values()) events += entry.events.length;
  process.send?.({ events, ingestRequests: mock.state.ingestRequests });
});
process.on('SIGINT', () => process.exit(0));
