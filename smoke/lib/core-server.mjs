// A tiny stateful "items" service over node:http for the core part of the consumer smoke test
// (smoke/consumer/core-suite.ts speaks to it through @trainwire/core alone). It checks the API key,
// pages, honours idempotency keys, fails the first attempt of each write once with a 503 so the
// client must retry, and runs jobs that finish after a few polls. It answers CORS preflights, so
// a page on another localhost port can call it.
//
//   node smoke/lib/core-server.mjs [--port 0]
// prints `export SMOKE_CORE_URL=...` and `export SMOKE_CORE_API_KEY=...`, then serves until SIGINT.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const apiKey = 'smoke-core-key-0123456789';
const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0;

const items = Array.from({ length: 7 }, (_, index) => ({ id: `item_${index + 1}`, name: `seeded-${index + 1}` }));
/** Idempotency key → the item its first successful write created. */
const writes = new Map();
/** Idempotency keys whose first attempt was already failed on purpose. */
const failedOnce = new Set();
const jobs = new Map();

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': '*',
  'access-control-max-age': '600',
};

function send(outgoing, status, body, headers = {}) {
  outgoing.writeHead(status, { 'content-type': 'application/json', ...cors, ...headers });
  outgoing.end(JSON.stringify(body));
}

function problem(outgoing, status, code, message, headers) {
  send(outgoing, status, { error: { code, message } }, headers);
}

async function readJson(incoming) {
  const chunks = [];
  for await (const chunk of incoming) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

const server = createServer(async (incoming, outgoing) => {
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  const route = `${incoming.method} ${url.pathname}`;
  if (incoming.method === 'OPTIONS') {
    outgoing.writeHead(204, cors);
    outgoing.end();
    return;
  }
  if (incoming.headers['x-api-key'] !== apiKey) return problem(outgoing, 401, 'unauthorized', 'missing or wrong X-API-Key');

  if (route === 'GET /v1/items') {
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 20);
    return send(outgoing, 200, { items: items.slice(offset, offset + limit), total: items.length });
  }
  if (route === 'POST /v1/items') {
    const key = incoming.headers['idempotency-key'];
    const body = await readJson(incoming);
    if (typeof key !== 'string' || key === '') return problem(outgoing, 400, 'missing_idempotency_key', 'writes need an Idempotency-Key');
    if (typeof body?.name !== 'string') return problem(outgoing, 400, 'invalid_body', 'name is required');
    if (writes.has(key)) return send(outgoing, 201, writes.get(key), { 'idempotent-replayed': 'true' });
    if (!failedOnce.has(key)) {
      // Apply the write, then lose the answer: only a retry with the same key may see the result.
      failedOnce.add(key);
      const item = { id: `item_${items.length + 1}`, name: body.name };
      items.push(item);
      writes.set(key, item);
      return problem(outgoing, 503, 'unavailable', 'try again', { 'retry-after-ms': '10' });
    }
    return problem(outgoing, 500, 'unreachable', 'a retried key was never written');
  }
  const item = /^GET \/v1\/items\/([^/]+)$/.exec(route);
  if (item) {
    const found = items.find((candidate) => candidate.id === decodeURIComponent(item[1]));
    return found ? send(outgoing, 200, found) : problem(outgoing, 404, 'not_found', `no item ${item[1]}`);
  }
  if (route === 'POST /v1/jobs') {
    const job = { id: `job_${randomUUID()}`, status: 'queued', polls: 0 };
    jobs.set(job.id, job);
    return send(outgoing, 202, { id: job.id, status: job.status });
  }
  const job = /^GET \/v1\/jobs\/([^/]+)$/.exec(route);
  if (job) {
    const found = jobs.get(decodeURIComponent(job[1]));
    if (!found) return problem(outgoing, 404, 'not_found', `no job ${job[1]}`);
    found.polls += 1;
    found.status = found.polls >= 3 ? 'done' : 'running';
    const answer = { id: found.id, status: found.status, ...(found.status === 'done' ? { result: { count: items.length } } : {}) };
    return send(outgoing, 200, answer, found.status === 'done' ? {} : { 'retry-after-ms': '20' });
  }
  return problem(outgoing, 404, 'no_route', route);
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`export SMOKE_CORE_URL=http://127.0.0.1:${address.port}`);
  console.log(`export SMOKE_CORE_API_KEY=${apiKey}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
