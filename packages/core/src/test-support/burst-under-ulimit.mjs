// Run by connection-cap.test.ts under `ulimit -n 256`: a loopback server and `count` concurrent
// calls through the built transport with the default maxConcurrentRequests. Prints a JSON report.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createTransport } from '../../dist/index.js';

const count = Number(process.argv[2] ?? 1000);
const cap = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
let open = 0;
let most = 0;
const server = createServer((request, response) => {
  open++;
  most = Math.max(most, open);
  request.resume();
  setTimeout(() => {
    open--;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"w1","name":"gear","size":3}');
  }, 5);
});
let connections = 0;
server.on('connection', () => connections++);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const definition = {
  name: 'burst',
  title: 'Burst',
  version: '1',
  servers: [],
  auth: null,
  idempotencyHeader: null,
  operations: { 'GET /widgets/{id}': { operationId: 'getWidget', params: {}, responses: { 200: {} } } },
  schemas: {},
};
const transport = createTransport({
  definition,
  baseURL: `http://127.0.0.1:${server.address().port}`,
  logLevel: 'off',
  maxRetries: 0,
  timeout: 120_000,
  maxConcurrentRequests: cap,
});
const results = await Promise.allSettled(
  Array.from({ length: count }, () => transport.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })),
);
const failed = results
  .filter((result) => result.status === 'rejected')
  .map((result) => String(result.reason?.cause?.cause?.code ?? result.reason));
const limit = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
const fds = readdirSync('/proc/self/fd').length;
process.stdout.write(JSON.stringify({ ok: results.length - failed.length, failed: [...new Set(failed)], most, connections, fds, limit }));
server.close();
server.closeAllConnections();
