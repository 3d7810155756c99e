// A loopback node:http server speaking just enough of each service's wire for the ingestion,
// streaming and futures sections, run in its own process. It generates and consumes bytes without
// holding them, dedupes metric events by `client_event_id`, and answers IPC questions
// (`{ ask: 'count' }`, `{ ask: 'reset' }`, `{ ask: 'requests' }`) so the benchmark can check what arrived.
import { createServer } from 'node:http';

/** Bytes per chunk of a generated artifact. */
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
/** `client_event_id`s stored, per experiment (a Set of ids: the dedupe the real service does). */
let events = new Set();
let duplicates = 0;
let ingestRequests = 0;
/** Requests per future id, and when each future completes (ms since epoch). */
const futures = new Map();
let uploadedBytes = 0;

const json = (response, status, body) => {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
};

const readBody = async (request) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
};

/** A future's record, made on first sight: `done-after-<ms>-<nonce>` completes `ms` after its first poll. */
const future = (id) => {
  let record = futures.get(id);
  if (!record) {
    const delay = Number(/^done-after-(\d+)-/.exec(id)?.[1] ?? 0);
    record = { completesAt: Date.now() + delay, requests: 0, waiters: [] };
    if (delay > 0)
      setTimeout(() => {
        for (const wake of record.waiters.splice(0)) wake();
      }, delay);
    futures.set(id, record);
  }
  record.requests++;
  return record;
};

const routes = [
  // Syvain metrics: mint an ingestion key, then ingest with it.
  [
    'POST',
    /^\/api\/v1\/experiments\/([^/]+)\/ingestion-keys$/,
    async (request, response, [experiment]) => {
      await readBody(request);
      const now = new Date().toISOString();
      json(response, 201, {
        ingestion_key: { id: 'key-1', experiment_id: experiment, prefix: 'ik_bench', created_at: now, expires_at: null, revoked_at: null },
        secret: 'ik_bench_secret_0123456789',
      });
    },
  ],
  [
    'POST',
    /^\/api\/v1\/experiments\/([^/]+)\/metrics\/ingest$/,
    async (request, response) => {
      if (request.headers.authorization !== 'Bearer ik_bench_secret_0123456789') return json(response, 401, { error: 'bad key' });
      const body = JSON.parse((await readBody(request)).toString('utf8'));
      ingestRequests++;
      let accepted = 0;
      let repeated = 0;
      for (const event of body.metrics) {
        if (events.has(event.client_event_id)) repeated++;
        else {
          events.add(event.client_event_id);
          accepted++;
        }
      }
      duplicates += repeated;
      json(response, 200, { accepted, duplicates: repeated, rejected: [] });
    },
  ],
  // TenSafe: an artifact of `size-<bytes>` generated chunk by chunk, following backpressure.
  [
    'GET',
    /^\/v1\/artifacts\/size-(\d+)\/content$/,
    (request, response, [size]) => {
      request.resume();
      let left = Number(size);
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': left,
        'content-disposition': `attachment; filename="size-${size}.enc"`,
        'x-encryption-algorithm': 'AES-256-GCM',
        'x-encryption-key-id': 'dek-0123456789abcdef',
      });
      const write = () => {
        while (left > 0) {
          const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
          left -= piece.length;
          if (!response.write(piece)) return response.once('drain', write);
        }
        response.end();
      };
      write();
    },
  ],
  // Middleman: a presigned URL on this server, and the PUT it points at (bytes counted and dropped).
  [
    'POST',
    /^\/api\/v1\/data\/upload-url$/,
    async (request, response) => {
      const body = JSON.parse((await readBody(request)).toString('utf8'));
      const { port } = request.socket.address();
      json(response, 200, {
        upload_url: `http://127.0.0.1:${port}/blob/${encodeURIComponent(body.filename)}?signature=bench`,
        blob_path: `uploads/${body.filename}`,
      });
    },
  ],
  [
    'PUT',
    /^\/blob\/([^/?]+)/,
    (request, response) => {
      let received = 0;
      request.on('data', (chunk) => {
        received += chunk.length;
      });
      request.on('end', () => {
        uploadedBytes = received;
        response.writeHead(201, { 'content-length': 0 });
        response.end();
      });
    },
  ],
  // Tinker: the long poll holds `retrieve_future` until the future completes (at most 30 s, then 408).
  [
    'POST',
    /^\/api\/v1\/retrieve_future$/,
    async (request, response) => {
      const { request_id: id } = JSON.parse((await readBody(request)).toString('utf8'));
      const record = future(id);
      const answer = () => json(response, 200, { metrics: { loss: 1.5 } });
      const left = record.completesAt - Date.now();
      if (left <= 0) return answer();
      const hold = Math.min(left, 30_000);
      const timer = setTimeout(() => {
        record.waiters.splice(record.waiters.indexOf(wake), 1);
        json(response, 408, { type: 'try_again', request_id: id, queue_state: 'active' });
      }, hold + 50);
      const wake = () => {
        clearTimeout(timer);
        answer();
      };
      record.waiters.push(wake);
    },
  ],
  // TenSafe: plain polling of a future's status, then its result.
  [
    'GET',
    /^\/v1\/futures\/([^/]+)$/,
    (request, response, [id]) => {
      request.resume();
      const record = future(id);
      const done = Date.now() >= record.completesAt;
      json(response, 200, {
        future_id: id,
        status: done ? 'completed' : 'running',
        created_at: new Date().toISOString(),
        training_client_id: 'tc-1',
        operation: 'optim_step',
        started_at: null,
        completed_at: done ? new Date(record.completesAt).toISOString() : null,
      });
    },
  ],
  [
    'GET',
    /^\/v1\/futures\/([^/]+)\/result$/,
    (request, response, [id]) => {
      request.resume();
      future(id); // counted with the status polls
      json(response, 200, { future_id: id, status: 'completed', result: { step: 1, learning_rate: 0.0001 }, error: null });
    },
  ],
];

const server = createServer((request, response) => {
  const path = request.url.split('?')[0];
  for (const [method, pattern, handle] of routes) {
    const match = request.method === method ? pattern.exec(path) : null;
    if (match)
      return Promise.resolve(handle(request, response, match.slice(1))).catch((error) => json(response, 500, { error: String(error) }));
  }
  request.resume();
  json(response, 404, { error: `no route ${request.method} ${path}` });
});
server.keepAliveTimeout = 60_000;
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (message) => {
  if (message?.ask === 'reset') {
    events = new Set();
    duplicates = 0;
    ingestRequests = 0;
    uploadedBytes = 0;
  }
  if (message?.ask === 'future') {
    const record = futures.get(message.id);
    process.send?.({ answer: 'future', id: message.id, requests: record?.requests ?? 0, completesAt: record?.completesAt });
    return;
  }
  process.send?.({ answer: message?.ask, events: events.size, duplicates, ingestRequests, uploadedBytes });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
