import { HttpResponse, http, type RequestHandler } from 'msw';
import type { components } from '../generated/jobs.js';
import { seededToken, seededUuid } from './jobs-random.js';
import { MiddlemanMockState, type MockJob } from './jobs-state.js';

export { service as jobsService } from '../generated/jobs.js';
export type { MockApiKey, MockJob, MockUpload } from './jobs-state.js';
export { MiddlemanMockState } from './jobs-state.js';

type Schemas = components['schemas'];

/** Options of {@link createMiddlemanMock}. */
export interface MiddlemanMockOptions {
  /** Where the API is served. @default 'https://api.middleman.run/api/v1' */
  baseURL?: string;
  /** The account's first key (more can be created through the API). @default 'mdlm_test_0123456789abcdef' */
  apiKey?: string;
  /** Seed of the seeded jobs, ids and losses. @default 1 */
  seed?: number;
  /** Wall-clock speed-up: a job advances one step every `stepMs / speed` ms; 0 advances only when polled. @default 1 */
  speed?: number;
  /** Real milliseconds per step at speed 1. @default 1000 */
  stepMs?: number;
  /** Steps a job advances each time it is fetched (`GET /jobs/{id}`). @default 1 */
  stepsPerPoll?: number;
  /** Epochs of a created job. @default 10 */
  epochs?: number;
}

/** The mock's default key. */
export const MIDDLEMAN_MOCK_API_KEY = 'mdlm_test_0123456789abcdef';

const detail = (status: number, message: string, headers?: Record<string, string>) =>
  HttpResponse.json({ detail: message }, { status, headers });

const invalid = (problems: { loc: (string | number)[]; msg: string; type: string }[]) =>
  HttpResponse.json({ detail: problems }, { status: 422 });

/**
 * A stateful mock of the Middleman API (FastAPI-style `{detail}` errors, `X-API-Key` auth with
 * scopes, `Idempotency-Key` replay). Jobs advance queued → provisioning → running (epochs, falling
 * loss, rising cost) → completed on a clock scaled by `speed` and on every poll; pause, resume and
 * cancel change that course and refund credits; uploads go to a presigned URL this mock serves.
 */
export function createMiddlemanMock(options: MiddlemanMockOptions = {}): { handlers: RequestHandler[]; state: MiddlemanMockState } {
  const base = (options.baseURL ?? 'https://api.middleman.run/api/v1').replace(/\/+$/, '');
  const storage = `${base}/_storage`;
  const stepsPerPoll = options.stepsPerPoll ?? 1;
  const state = new MiddlemanMockState({
    seed: options.seed ?? 1,
    speed: options.speed ?? 1,
    epochs: options.epochs ?? 10,
    stepMs: options.stepMs ?? 1_000,
    apiKey: options.apiKey ?? MIDDLEMAN_MOCK_API_KEY,
  });

  const findJob = (id: unknown): MockJob | undefined => {
    const entry = state.jobs.get(String(id));
    if (entry) state.advance(entry);
    return entry;
  };
  const jobNotFound = (id: unknown) => detail(404, `Job ${String(id)} not found`);
  const view = (entry: MockJob) => structuredClone(entry.job);

  /** Auth as FastAPI's APIKeyHeader plus scopes: GET needs `read`, anything else `write`. */
  const authorize = (request: Request): Response | undefined => {
    if (request.url.startsWith(`${storage}/`)) return undefined; // the presigned URL is its own credential
    const key = request.headers.get('x-api-key');
    if (!key) return detail(401, 'Not authenticated');
    const entry = state.apiKeys.find((item) => item.key === key);
    const expired = entry?.info.expires_at && Date.parse(entry.info.expires_at) < Date.now();
    if (!entry || entry.revoked || expired) return detail(401, 'Invalid API key');
    const needed = request.method === 'GET' ? 'read' : 'write';
    if (!entry.info.scopes.includes(needed) && !entry.info.scopes.includes('admin')) {
      return detail(403, `This API key lacks the '${needed}' scope`);
    }
    entry.info.last_used_at = new Date().toISOString();
    return undefined;
  };

  /** Replays the first answer to a write that repeats its Idempotency-Key; a key reused for another request is a 422. */
  const once = async (request: Request, handle: (body: string) => Promise<Response> | Response): Promise<Response> => {
    const body = await request.text();
    const key = request.headers.get('idempotency-key');
    const fingerprint = `${request.method} ${new URL(request.url).pathname}${new URL(request.url).search} ${body}`;
    const known = key ? state.idempotency.get(key) : undefined;
    if (known) {
      if (known.fingerprint !== fingerprint) return detail(422, 'Idempotency-Key was already used for a different request');
      return HttpResponse.json(known.body as never, { status: known.status, headers: { 'Idempotent-Replayed': 'true' } });
    }
    const response = await handle(body);
    if (key && response.status < 500) {
      state.idempotency.set(key, { fingerprint, status: response.status, body: await response.clone().json() });
    }
    return response;
  };

  const pageQuery = (request: Request): { limit: number; offset: number } | Response => {
    const query = new URL(request.url).searchParams;
    const limit = Number(query.get('limit') ?? 20);
    const offset = Number(query.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return invalid([{ loc: ['query', 'limit'], msg: 'Input should be between 1 and 100', type: 'less_than_equal' }]);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      return invalid([{ loc: ['query', 'offset'], msg: 'Input should be greater than or equal to 0', type: 'greater_than_equal' }]);
    }
    return { limit, offset };
  };

  const handlers: RequestHandler[] = [
    http.all(`${base}/*`, ({ request }) => authorize(request)),

    // ── Jobs ──
    http.get(`${base}/jobs`, ({ request }) => {
      const page = pageQuery(request);
      if (page instanceof Response) return page;
      const status = new URL(request.url).searchParams.get('status');
      for (const entry of state.jobs.values()) state.advance(entry);
      const matching = [...state.jobs.values()].reverse().filter((entry) => !status || entry.job.status === status);
      const data = matching.slice(page.offset, page.offset + page.limit).map((entry) => {
        const {
          queue_position: _queue,
          requirements_file: _requirements,
          checkpoint_frequency: _frequency,
          max_runtime_hours: _hours,
          environment_variable_names: _names,
          error_message: _error,
          ...listed
        } = view(entry);
        return listed;
      });
      return HttpResponse.json({ data, total: matching.length });
    }),
    http.post(`${base}/jobs`, ({ request }) =>
      once(request, (text) => {
        const body = parseJson(text) as Schemas['JobCreateRequest'] | undefined;
        const problems = checkJobCreate(body);
        if (problems.length > 0 || !body) return invalid(problems);
        const estimate = { t4: 10, v100: 25, a100: 50 }[body.gpu_type ?? 't4'] * (body.gpu_count ?? 1) * (body.max_runtime_hours ?? 4);
        if (estimate > state.available) {
          return detail(402, `Insufficient credits: this job reserves ${estimate} credits and ${state.available} are available`);
        }
        const job = state.createJob(body).job;
        return HttpResponse.json(
          { id: job.id, status: job.status, queue_position: job.queue_position ?? 0, estimated_cost: estimate, reserved_credits: estimate },
          { status: 201 },
        );
      }),
    ),
    http.get(`${base}/jobs/:jobId`, ({ params }) => {
      const entry = findJob(params.jobId);
      if (!entry) return jobNotFound(params.jobId);
      state.advance(entry, stepsPerPoll);
      return HttpResponse.json(view(entry));
    }),
    http.post(`${base}/jobs/:jobId/cancel`, ({ request, params }) =>
      once(request, () => {
        const entry = findJob(params.jobId);
        if (!entry) return jobNotFound(params.jobId);
        if (isTerminal(entry)) return detail(409, `Job is already ${entry.job.status}`);
        state.log(entry, 'WARNING', 'Cancelled by user');
        const refunded = state.settle(entry, 'cancelled');
        return HttpResponse.json({ id: entry.job.id, status: 'cancelled', refunded_credits: refunded });
      }),
    ),
    http.post(`${base}/jobs/:jobId/pause`, ({ request, params }) =>
      once(request, () => {
        const entry = findJob(params.jobId);
        if (!entry) return jobNotFound(params.jobId);
        if (!['running', 'checkpointing', 'resuming'].includes(entry.job.status)) {
          return detail(409, `Only running jobs can be paused; this job is ${entry.job.status}`);
        }
        entry.job.status = 'paused';
        state.log(entry, 'INFO', `Paused by user at epoch ${entry.job.current_epoch}`);
        return HttpResponse.json(view(entry));
      }),
    ),
    http.post(`${base}/jobs/:jobId/resume`, ({ request, params }) =>
      once(request, () => {
        const entry = findJob(params.jobId);
        if (!entry) return jobNotFound(params.jobId);
        if (entry.job.status !== 'paused') return detail(409, `Only paused jobs can be resumed; this job is ${entry.job.status}`);
        entry.job.status = 'resuming';
        entry.lastAdvance = Date.now();
        state.log(entry, 'INFO', 'Resume requested');
        return HttpResponse.json(view(entry));
      }),
    ),
    http.get(`${base}/jobs/:jobId/logs`, ({ request, params }) => {
      const entry = findJob(params.jobId);
      if (!entry) return jobNotFound(params.jobId);
      const since = new URL(request.url).searchParams.get('since');
      const after = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
      if (Number.isNaN(after))
        return invalid([{ loc: ['query', 'since'], msg: 'Input should be a valid datetime', type: 'datetime_parsing' }]);
      return HttpResponse.json(entry.logs.filter((line) => Date.parse(line.timestamp) > after));
    }),

    // ── Billing ──
    http.get(`${base}/billing/balance`, () => {
      for (const entry of state.jobs.values()) state.advance(entry);
      const { balance, reserved, expires_at } = state.account;
      return HttpResponse.json({ balance, reserved, available: balance - reserved, expires_at });
    }),
    http.get(`${base}/billing/packages`, () => HttpResponse.json({ packages: state.packages })),
    http.get(`${base}/billing/transactions`, ({ request }) => {
      const page = pageQuery(request);
      if (page instanceof Response) return page;
      for (const entry of state.jobs.values()) state.advance(entry);
      const newest = [...state.transactions].reverse();
      return HttpResponse.json({ data: newest.slice(page.offset, page.offset + page.limit), total: newest.length });
    }),

    // ── Data ──
    http.post(`${base}/data/upload-url`, ({ request }) =>
      once(request, (text) => {
        const body = parseJson(text) as Partial<Schemas['UploadUrlRequest']> | undefined;
        const jobId = new URL(request.url).searchParams.get('job_id');
        if (!body?.filename || !body.content_type || !Number.isInteger(body.size_bytes) || (body.size_bytes ?? -1) < 0) {
          return invalid([{ loc: ['body'], msg: 'filename, content_type and size_bytes are required', type: 'missing' }]);
        }
        if (jobId && !state.jobs.has(jobId)) return jobNotFound(jobId);
        if ((body.size_bytes ?? 0) > 50 * 1024 ** 3) return detail(413, 'Files are limited to 50 GiB');
        const token = seededToken(state.random, 24);
        const blobPath = `uploads/${jobId ?? 'unassigned'}/${token.slice(0, 8)}/${body.filename}`;
        state.uploads.set(token, {
          blob_path: blobPath,
          filename: body.filename,
          content_type: body.content_type,
          size_bytes: body.size_bytes as number,
          job_id: jobId,
          received: undefined,
          data: undefined,
          headers: undefined,
        });
        const expires = new Date(Date.now() + 3_600_000).toISOString();
        return HttpResponse.json({
          upload_url: `${storage}/upload/${token}?signature=${seededToken(state.random, 32)}`,
          blob_path: blobPath,
          expires_at: expires,
        });
      }),
    ),
    http.put(`${storage}/upload/:token`, async ({ request, params }) => {
      const upload = state.uploads.get(String(params.token));
      if (!upload || !new URL(request.url).searchParams.get('signature')) return new HttpResponse('AccessDenied', { status: 403 });
      if (upload.received !== undefined) return new HttpResponse('This upload URL was already used', { status: 409 });
      let received = 0;
      const kept: Uint8Array[] = [];
      const reader = request.body?.getReader();
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received <= 1024 * 1024) kept.push(value);
      }
      if (received !== upload.size_bytes) {
        return new HttpResponse(`SignatureDoesNotMatch: expected ${upload.size_bytes} bytes, got ${received}`, { status: 400 });
      }
      upload.received = received;
      upload.headers = Object.fromEntries(request.headers);
      if (received <= 1024 * 1024) upload.data = concat(kept);
      return new HttpResponse(null, { status: 200, headers: { ETag: `"${params.token}"` } });
    }),
    http.post(`${base}/data/download-url`, async ({ request }) => {
      const body = (await request.json().catch(() => undefined)) as Partial<Schemas['DownloadUrlRequest']> | undefined;
      const entry = body?.job_id ? state.jobs.get(body.job_id) : undefined;
      if (!entry) return jobNotFound(body?.job_id);
      const path = body?.path ?? 'outputs.tar.gz';
      const size = outputSize(entry, path);
      return HttpResponse.json({
        download_url: `${storage}/download/${entry.job.id}/${encodeURIComponent(path)}?signature=${seededToken(state.random, 32)}`,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        size_bytes: size,
      });
    }),
    http.get(`${storage}/download/:jobId/:path`, ({ params }) => {
      const entry = state.jobs.get(String(params.jobId));
      if (!entry) return new HttpResponse('NoSuchKey', { status: 404 });
      const bytes = new Uint8Array(outputSize(entry, String(params.path))).map((_, index) => index % 251);
      return new HttpResponse(bytes, { headers: { 'content-type': 'application/octet-stream' } });
    }),

    // ── API keys ──
    http.get(`${base}/api-keys`, () => HttpResponse.json(state.apiKeys.filter((entry) => !entry.revoked).map((entry) => entry.info))),
    http.post(`${base}/api-keys`, ({ request }) =>
      once(request, (text) => {
        const body = parseJson(text) as Partial<Schemas['ApiKeyCreateRequest']> | undefined;
        if (!body?.name) return invalid([{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }]);
        const scopes = body.scopes ?? ['read', 'write'];
        if (scopes.length === 0 || scopes.some((scope) => !['read', 'write', 'admin'].includes(scope))) {
          return invalid([{ loc: ['body', 'scopes'], msg: "Input should be 'read', 'write' or 'admin'", type: 'enum' }]);
        }
        const entry = state.addApiKey({ name: body.name, scopes, expires_in_days: body.expires_in_days ?? null });
        return HttpResponse.json({ ...entry.info, key: entry.key }, { status: 201 });
      }),
    ),
    http.delete(`${base}/api-keys/:keyId`, ({ params }) => {
      const entry = state.apiKeys.find((item) => item.info.id === params.keyId && !item.revoked);
      if (!entry) return detail(404, `API key ${String(params.keyId)} not found`);
      entry.revoked = true;
      return HttpResponse.json({ revoked: true });
    }),

    // ── Webhooks ──
    http.get(`${base}/webhooks`, () => HttpResponse.json([...state.webhooks.values()].map((entry) => entry.webhook))),
    http.get(`${base}/webhooks/events`, () => HttpResponse.json({ events: WEBHOOK_EVENTS })),
    http.post(`${base}/webhooks`, ({ request }) =>
      once(request, (text) => {
        const body = parseJson(text) as Partial<Schemas['WebhookCreateRequest']> | undefined;
        const problems = checkWebhook(body, true);
        if (problems.length > 0 || !body) return invalid(problems);
        const webhook: Schemas['Webhook'] = {
          id: seededUuid(state.random),
          name: body.name as string,
          url: body.url as string,
          events: body.events as Schemas['WebhookEvent'][],
          is_active: true,
          created_at: new Date().toISOString(),
        };
        const secret = `whsec_${seededToken(state.random, 32)}`;
        state.webhooks.set(webhook.id, { webhook, secret, deliveries: [] });
        return HttpResponse.json({ ...webhook, secret }, { status: 201 });
      }),
    ),
    http.get(`${base}/webhooks/:webhookId`, ({ params }) => {
      const entry = state.webhooks.get(String(params.webhookId));
      return entry ? HttpResponse.json(entry.webhook) : detail(404, `Webhook ${String(params.webhookId)} not found`);
    }),
    http.patch(`${base}/webhooks/:webhookId`, async ({ request, params }) => {
      const entry = state.webhooks.get(String(params.webhookId));
      if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
      const body = (await request.json().catch(() => undefined)) as Schemas['WebhookUpdateRequest'] | undefined;
      const problems = checkWebhook(body, false);
      if (problems.length > 0 || !body) return invalid(problems);
      Object.assign(entry.webhook, body);
      return HttpResponse.json(entry.webhook);
    }),
    http.delete(`${base}/webhooks/:webhookId`, ({ params }) => {
      if (!state.webhooks.delete(String(params.webhookId))) return detail(404, `Webhook ${String(params.webhookId)} not found`);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/webhooks/:webhookId/regenerate-secret`, ({ request, params }) =>
      once(request, () => {
        const entry = state.webhooks.get(String(params.webhookId));
        if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
        entry.secret = `whsec_${seededToken(state.random, 32)}`;
        return HttpResponse.json({ secret: entry.secret });
      }),
    ),
    http.post(`${base}/webhooks/:webhookId/test`, ({ request, params }) =>
      once(request, () => {
        const entry = state.webhooks.get(String(params.webhookId));
        if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
        const delivery = {
          id: seededUuid(state.random),
          event: 'test',
          status_code: 200,
          success: true,
          created_at: new Date().toISOString(),
        };
        entry.deliveries.unshift(delivery);
        return HttpResponse.json(delivery);
      }),
    ),
    http.get(`${base}/webhooks/:webhookId/deliveries`, ({ request, params }) => {
      const entry = state.webhooks.get(String(params.webhookId));
      if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
      const page = pageQuery(request);
      if (page instanceof Response) return page;
      return HttpResponse.json({ data: entry.deliveries.slice(page.offset, page.offset + page.limit), total: entry.deliveries.length });
    }),
  ];

  return { handlers, state };
}

const WEBHOOK_EVENTS: Schemas['WebhookEvent'][] = [
  'job.queued',
  'job.started',
  'job.running',
  'job.paused',
  'job.resumed',
  'job.checkpointing',
  'job.evicted',
  'job.completed',
  'job.failed',
  'job.cancelled',
  'credits.low',
  'credits.depleted',
];

function isTerminal(entry: MockJob): boolean {
  return ['completed', 'failed', 'cancelled'].includes(entry.job.status);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The 422 problems FastAPI would report for a job body. */
function checkJobCreate(body: Partial<Schemas['JobCreateRequest']> | undefined) {
  const problems: { loc: (string | number)[]; msg: string; type: string }[] = [];
  const problem = (field: string, msg: string, type: string) => problems.push({ loc: ['body', field], msg, type });
  if (!body || typeof body !== 'object') return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }];
  for (const field of ['script_path', 'input_data_path'] as const) {
    if (typeof body[field] !== 'string' || body[field].trim() === '')
      problem(field, 'String should have at least 1 character', 'string_too_short');
  }
  if (body.gpu_type !== undefined && !['t4', 'v100', 'a100'].includes(body.gpu_type))
    problem('gpu_type', "Input should be 't4', 'v100' or 'a100'", 'enum');
  if (body.framework !== undefined && !['pytorch', 'tensorflow', 'jax'].includes(body.framework)) {
    problem('framework', "Input should be 'pytorch', 'tensorflow' or 'jax'", 'enum');
  }
  const count = body.gpu_count;
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 8))
    problem('gpu_count', 'Input should be between 1 and 8', 'less_than_equal');
  const hours = body.max_runtime_hours;
  if (hours !== undefined && !(Number.isInteger(hours) && hours >= 1 && hours <= 72)) {
    problem('max_runtime_hours', 'Input should be between 1 and 72', 'less_than_equal');
  }
  return problems;
}

function checkWebhook(body: (Partial<Schemas['WebhookCreateRequest']> & { is_active?: boolean }) | undefined, creating: boolean) {
  const problems: { loc: (string | number)[]; msg: string; type: string }[] = [];
  if (!body || typeof body !== 'object') return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }];
  if ((creating || body.name !== undefined) && !body.name) problems.push({ loc: ['body', 'name'], msg: 'Field required', type: 'missing' });
  if ((creating || body.url !== undefined) && !/^https?:\/\//.test(body.url ?? '')) {
    problems.push({ loc: ['body', 'url'], msg: 'Input should be a valid URL', type: 'url_parsing' });
  }
  if (
    (creating || body.events !== undefined) &&
    (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((event) => !WEBHOOK_EVENTS.includes(event)))
  ) {
    problems.push({ loc: ['body', 'events'], msg: 'Input should be a non-empty list of known events', type: 'enum' });
  }
  return problems;
}

/** The size of a job's output file: deterministic, bigger for finished jobs. */
function outputSize(entry: MockJob, path: string): number {
  return 1024 * (entry.job.current_epoch + 1) + path.length;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return result;
}
