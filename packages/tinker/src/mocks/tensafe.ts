import { type JsonSchema, validate } from '@trainwire/core';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { type components, service } from '../generated/tensafe.js';
import { sha256Hex } from '../tensafe/sha256.js';
import { decryptArtifact } from './tensafe-mock-crypto.js';
import { TenSafeMockState, type TenSafeMockTrainingClient } from './tensafe-mock-state.js';

export { service as tensafeService } from '../generated/tensafe.js';
export type { TenSafeMockArtifact, TenSafeMockFuture, TenSafeMockState, TenSafeMockTrainingClient } from './tensafe-mock-state.js';

type Schemas = components['schemas'];

/** Options of {@link createTenSafeMock}. */
export interface TenSafeMockOptions {
  /** @default 'https://api.tensafe.dev' (a self-hosted server is `http://host:8000/api`) */
  baseURL?: string;
  /**
   * The key whose tenant holds the seeded data. Any `Authorization: Bearer <key>` is accepted, each
   * key its own tenant, as the server does. @default 'ts-test-key'
   */
  apiKey?: string;
  /** Tenant of `apiKey`. @default 'tenant-' + the first 8 hex of sha256(apiKey), as the server derives it */
  tenantId?: string;
  /** Seeds ids, losses, keys and bytes. @default 1 */
  seed?: number;
  /** Scales simulated time: futures also finish after 1.5 s × pollsUntilDone ÷ speed of wall clock. @default 1 */
  speed?: number;
  /** Polls after which a future finishes (the first poll shows it `running`). @default 2 */
  pollsUntilDone?: number;
  /** Plaintext bytes of each saved state (the ciphertext is 16 more). @default 1048576 */
  artifactSize?: number;
  /** Bytes per chunk of a streamed artifact. @default 65536 */
  chunkSize?: number;
  /** Requests per tenant per minute before a 429 (`TG_RATE_LIMIT_PER_MINUTE`). @default Infinity */
  rateLimitPerMinute?: number;
  /** Unfinished futures per tenant before a 503 `QUEUE_FULL`. @default Infinity */
  queueCapacity?: number;
  /** Training clients seeded for the tenant at start (the first has a saved checkpoint). @default 3 */
  trainingClients?: number;
}

/** The body of a route error as the server raises it: `HTTPException(detail={"error": {...}})`. */
const routeErrorBody = (code: string, message: string, details?: Record<string, unknown>) => ({
  detail: { error: { code, message, ...(details ? { details } : {}) } },
});

const routeError = (status: number, code: string, message: string) => HttpResponse.json(routeErrorBody(code, message), { status });

/**
 * A stateful mock of the TenSafe API: bearer auth as the server's demo auth (a missing header is
 * FastAPI's 422, one without `Bearer ` a 401, any key its own tenant, another tenant's objects
 * 404), training clients, futures that go pending → running → completed/failed over polls, DP
 * budgets, AES-256-GCM encrypted artifacts streamed in chunks, and a hash-chained audit log.
 * Route errors use the `{"detail": {"error": ...}}` envelope; the rate limiter's 429 the bare
 * `{"error": ...}` one. Writes honour `Idempotency-Key`.
 */
export function createTenSafeMock(options: TenSafeMockOptions = {}): { handlers: RequestHandler[]; state: TenSafeMockState } {
  const base = (options.baseURL ?? 'https://api.tensafe.dev').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? 'ts-test-key';
  const tenantOf = (key: string) => (key === apiKey && options.tenantId ? options.tenantId : `tenant-${sha256Hex(key).slice(0, 8)}`);
  const pollsUntilDone = Math.max(1, options.pollsUntilDone ?? 2);
  const chunkSize = Math.max(1, options.chunkSize ?? 65_536);
  const rateLimit = options.rateLimitPerMinute ?? Number.POSITIVE_INFINITY;
  const queueCapacity = options.queueCapacity ?? Number.POSITIVE_INFINITY;
  const state = new TenSafeMockState({
    seed: options.seed ?? 1,
    speed: options.speed ?? 1,
    artifactSize: options.artifactSize ?? 1_048_576,
    now: () => Date.now(),
  });
  const requestTimes = new Map<string, number[]>();
  let requestCount = 0;
  const nextRequestId = () => `req-${String(++requestCount).padStart(6, '0')}`;

  const ready = seed(state, tenantOf(apiKey), options.trainingClients ?? 3);
  state.ready = ready;

  /** The caller's tenant, or the error the server answers with. */
  const authenticate = (request: Request): { tenantId: string } | { response: Response } => {
    const header = request.headers.get('authorization');
    if (header === null) {
      return {
        response: HttpResponse.json(
          { detail: [{ type: 'missing', loc: ['header', 'authorization'], msg: 'Field required', input: null }] },
          { status: 422 },
        ),
      };
    }
    if (!header.startsWith('Bearer ')) return { response: routeError(401, 'AUTHENTICATION_REQUIRED', 'Invalid authorization header') };
    return { tenantId: tenantOf(header.slice('Bearer '.length)) };
  };

  /** A sliding one-minute window per tenant, like the server's rate-limit middleware. */
  const rateLimited = (tenantId: string): Response | undefined => {
    if (!Number.isFinite(rateLimit)) return undefined;
    const now = Date.now();
    const times = (requestTimes.get(tenantId) ?? []).filter((time) => now - time < 60_000);
    requestTimes.set(tenantId, times);
    if (times.length >= rateLimit) {
      const retryAfter = Math.max(1, Math.ceil((60_000 - (now - (times[0] ?? now))) / 1000));
      const requestId = nextRequestId();
      return HttpResponse.json(
        {
          error: {
            code: 'RATE_LIMITED',
            message: `Rate limit exceeded: ${rateLimit} requests per minute`,
            details: { limit: rateLimit },
            request_id: requestId,
          },
        },
        { status: 429, headers: { 'retry-after': String(retryAfter), 'x-request-id': requestId } },
      );
    }
    times.push(now);
    return undefined;
  };

  /** Check a JSON body against the spec as pydantic would, answering FastAPI's 422 on a mismatch. */
  const readBody = async <T>(request: Request, operation: string): Promise<{ body: T } | { response: Response }> => {
    const text = await request.text();
    if (text === '') {
      return {
        response: HttpResponse.json({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] }, { status: 422 }),
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return {
        response: HttpResponse.json(
          { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: null }] },
          { status: 422 },
        ),
      };
    }
    const schema = service.operations[operation]?.body?.schema as JsonSchema | undefined;
    const issue = validate(schema, body, service.schemas, { rejectAdditional: true });
    if (!issue) return { body: body as T };
    const loc = [
      'body',
      ...issue.path
        .replace(/^\$\.?/, '')
        .split(/[.[\]]+/)
        .filter(Boolean)
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    ];
    return { response: HttpResponse.json({ detail: [{ type: 'value_error', loc, msg: issue.reason, input: null }] }, { status: 422 }) };
  };

  /** Run a write once per `Idempotency-Key`: a repeat replays the first answer. */
  const once = async (request: Request, tenantId: string, handle: () => Promise<{ status: number; body: unknown }>): Promise<Response> => {
    const key = request.headers.get('idempotency-key');
    const slot = key ? `${tenantId} ${request.method} ${new URL(request.url).pathname} ${key}` : undefined;
    const known = slot ? state.idempotency.get(slot) : undefined;
    const reply = known ?? (await handle());
    if (slot && !known && reply.status < 500) state.idempotency.set(slot, reply);
    return reply.status === 204
      ? new HttpResponse(null, { status: 204 })
      : HttpResponse.json(reply.body as never, { status: reply.status });
  };

  const notFound = (code: string, what: string, details?: Record<string, unknown>) => ({
    status: 404,
    body: routeErrorBody(code, `${what} not found`, details),
  });

  const ownClient = (tenantId: string, id: unknown): TenSafeMockTrainingClient | undefined => {
    const client = state.trainingClients.get(String(id));
    return client && client.info.tenant_id === tenantId ? client : undefined;
  };

  /** Wrap a route: authenticate, rate-limit, wait for the seeded data. */
  const route =
    (
      handle: (context: {
        request: Request;
        params: Record<string, string | readonly string[] | undefined>;
        tenantId: string;
      }) => Promise<Response> | Response,
    ) =>
    async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
      const auth = authenticate(request);
      if ('response' in auth) return auth.response;
      const limited = rateLimited(auth.tenantId);
      if (limited) return limited;
      await ready;
      return handle({ request, params, tenantId: auth.tenantId });
    };

  const v1 = `${base}/v1`;
  const handlers: RequestHandler[] = [
    http.post(
      `${v1}/training_clients`,
      route(({ request, tenantId }) =>
        once(request, tenantId, async () => {
          const read = await readBody<Schemas['TrainingConfig']>(request, 'POST /v1/training_clients');
          if ('response' in read) return { status: read.response.status, body: await read.response.json() };
          // The create answer carries no DP metrics, even for a DP client.
          return { status: 201, body: { ...state.createTrainingClient(tenantId, read.body).info, dp_metrics: null } };
        }),
      ),
    ),
    http.get(
      `${v1}/training_clients`,
      // Every client of the tenant, oldest first: the server reads neither `status` nor `limit`
      // (the client applies them), and lists no DP metrics.
      route(({ tenantId }) => {
        const clients = [...state.trainingClients.values()]
          .filter((client) => client.info.tenant_id === tenantId)
          .map((client) => ({ ...client.info, dp_metrics: null }));
        return HttpResponse.json(clients);
      }),
    ),
    http.get(
      `${v1}/training_clients/:trainingClientId`,
      route(({ params, tenantId }) => {
        const id = String(params.trainingClientId);
        const client = ownClient(tenantId, id);
        if (!client) return reply(notFound('TRAINING_CLIENT_NOT_FOUND', `Training client '${id}'`, { training_client_id: id }));
        return HttpResponse.json(client.info);
      }),
    ),
    http.delete(
      `${v1}/training_clients/:trainingClientId`,
      route(({ request, params, tenantId }) =>
        once(request, tenantId, async () => {
          const client = ownClient(tenantId, params.trainingClientId);
          if (!client) return notFound('TRAINING_CLIENT_NOT_FOUND', `Training client '${String(params.trainingClientId)}'`);
          state.trainingClients.delete(client.info.training_client_id);
          for (const future of state.futures.values()) {
            if (future.response.training_client_id === client.info.training_client_id) state.cancel(future);
          }
          state.audit(tenantId, client.info.training_client_id, 'delete_training_client', {});
          return { status: 204, body: null };
        }),
      ),
    ),
    ...(['forward_backward', 'optim_step'] as const).map((operation) =>
      http.post(
        `${v1}/training_clients/:trainingClientId/${operation}`,
        route(({ request, params, tenantId }) =>
          once(request, tenantId, async () => {
            const client = ownClient(tenantId, params.trainingClientId);
            if (!client) return notFound('TRAINING_CLIENT_NOT_FOUND', `Training client '${String(params.trainingClientId)}'`);
            const read = await readBody<Record<string, unknown>>(request, `POST /v1/training_clients/{training_client_id}/${operation}`);
            if ('response' in read) return { status: read.response.status, body: await read.response.json() };
            if (state.queued(tenantId) >= queueCapacity) {
              return {
                status: 503,
                body: routeErrorBody('QUEUE_FULL', `Job queue is full (${queueCapacity} unfinished jobs)`),
              };
            }
            return { status: 202, body: state.submit(client, operation, read.body).response };
          }),
        ),
      ),
    ),
    http.post(
      `${v1}/training_clients/:trainingClientId/sample`,
      route(({ request, params, tenantId }) =>
        once(request, tenantId, async () => {
          const client = ownClient(tenantId, params.trainingClientId);
          if (!client) return notFound('TRAINING_CLIENT_NOT_FOUND', `Training client '${String(params.trainingClientId)}'`);
          const read = await readBody<Schemas['SampleRequest']>(request, 'POST /v1/training_clients/{training_client_id}/sample');
          if ('response' in read) return { status: read.response.status, body: await read.response.json() };
          const body = read.body;
          const config = {
            max_tokens: body.max_tokens ?? 128,
            temperature: body.temperature ?? 0.7,
            top_p: body.top_p ?? 0.9,
            top_k: body.top_k ?? 50,
            stop_sequences: body.stop_sequences ?? [],
          };
          const tokens = Math.min(10, config.max_tokens);
          const samples = body.prompts.map((prompt) => ({
            prompt,
            completion: ` [Generated response at step ${client.info.step}]`,
            tokens_generated: tokens,
            finish_reason: tokens < config.max_tokens ? ('stop' as const) : ('length' as const),
          }));
          state.audit(tenantId, client.info.training_client_id, 'sample', body);
          return { status: 200, body: { samples, model_step: client.info.step, sampling_config: config } };
        }),
      ),
    ),
    http.post(
      `${v1}/training_clients/:trainingClientId/save_state`,
      route(({ request, params, tenantId }) =>
        once(request, tenantId, async () => {
          const client = ownClient(tenantId, params.trainingClientId);
          if (!client) return notFound('TRAINING_CLIENT_NOT_FOUND', `Training client '${String(params.trainingClientId)}'`);
          const read = await readBody<Schemas['SaveStateRequest']>(request, 'POST /v1/training_clients/{training_client_id}/save_state');
          if ('response' in read) return { status: read.response.status, body: await read.response.json() };
          const artifact = await state.saveState(client, read.body);
          return {
            status: 200,
            body: {
              artifact_id: artifact.artifact_id,
              artifact_type: 'checkpoint',
              size_bytes: artifact.size_bytes,
              encryption: { algorithm: 'AES-256-GCM', key_id: artifact.key_id },
              content_hash: artifact.content_hash,
              metadata: { ...read.body.metadata, ...(client.info.dp_metrics ? { dp_metrics: client.info.dp_metrics } : {}) },
              created_at: artifact.created_at,
              dp_metrics: client.info.dp_metrics ?? null,
            },
          };
        }),
      ),
    ),
    http.post(
      `${v1}/training_clients/:trainingClientId/load_state`,
      route(({ request, params, tenantId }) =>
        once(request, tenantId, async () => {
          const client = ownClient(tenantId, params.trainingClientId);
          if (!client) return notFound('TRAINING_CLIENT_NOT_FOUND', `Training client '${String(params.trainingClientId)}'`);
          const read = await readBody<Schemas['LoadStateRequest']>(request, 'POST /v1/training_clients/{training_client_id}/load_state');
          if ('response' in read) return { status: read.response.status, body: await read.response.json() };
          const artifact = state.artifacts.get(read.body.artifact_id);
          if (!artifact || artifact.tenant_id !== tenantId) return notFound('ARTIFACT_NOT_FOUND', `Artifact '${read.body.artifact_id}'`);
          // Really decrypt: GCM authenticates the ciphertext and the AAD (artifact|tenant|client).
          await decryptArtifact(artifact.key, artifact.nonce, artifact.aad, artifact.ciphertext);
          client.info.step = artifact.step;
          state.audit(tenantId, client.info.training_client_id, 'load_state', read.body, { consumed: [artifact.artifact_id] });
          return {
            status: 200,
            body: {
              training_client_id: client.info.training_client_id,
              loaded_artifact_id: artifact.artifact_id,
              step: artifact.step,
              // The training client's own status, as the server answers.
              status: client.info.status,
            },
          };
        }),
      ),
    ),
    http.get(
      `${v1}/futures/:futureId`,
      route(({ params, tenantId }) => {
        const future = state.futures.get(String(params.futureId));
        if (!future || future.tenantId !== tenantId) return reply(notFound('FUTURE_NOT_FOUND', `Future '${String(params.futureId)}'`));
        state.advance(future, pollsUntilDone);
        return HttpResponse.json(future.response);
      }),
    ),
    http.get(
      `${v1}/futures/:futureId/result`,
      route(({ params, tenantId }) => {
        const future = state.futures.get(String(params.futureId));
        if (!future || future.tenantId !== tenantId) return reply(notFound('FUTURE_NOT_FOUND', `Future '${String(params.futureId)}'`));
        // The server writes a finished future's audit entry here, on every read of its result.
        state.auditResult(future);
        return HttpResponse.json({
          future_id: future.response.future_id,
          status: future.response.status,
          result: future.result,
          error: future.error,
        });
      }),
    ),
    http.post(
      `${v1}/futures/:futureId/cancel`,
      route(({ params, tenantId }) => {
        const future = state.futures.get(String(params.futureId));
        if (!future || future.tenantId !== tenantId) return reply(notFound('FUTURE_NOT_FOUND', `Future '${String(params.futureId)}'`));
        // The server writes a finished future's audit entry here, on every read of its result.
        state.auditResult(future);
        return HttpResponse.json({ success: state.cancel(future) });
      }),
    ),
    http.get(
      `${v1}/audit_logs`,
      route(({ request, tenantId }) => {
        const query = new URL(request.url).searchParams;
        const issues = [boundedQuery(query, 'limit', 100, 1, 1000), boundedQuery(query, 'offset', 0, 0)];
        const invalid = issues.flatMap((issue) => ('issue' in issue ? [issue.issue] : []));
        if (invalid.length > 0) return HttpResponse.json({ detail: invalid }, { status: 422 });
        const [limit, offset] = issues.map((issue) => ('value' in issue ? issue.value : 0)) as [number, number];
        // The documented time window; the server does not read it, so a value it cannot parse is ignored too.
        const start = timeOf(query.get('start_time'));
        const end = timeOf(query.get('end_time'));
        const clientId = query.get('training_client_id');
        const operation = query.get('operation');
        const entries = state.auditLog.filter(
          (entry) =>
            entry.tenant_id === tenantId &&
            (clientId === null || entry.training_client_id === clientId) &&
            (operation === null || entry.operation === operation) &&
            (start === undefined || Number.isNaN(start) || (timeOf(entry.started_at) ?? 0) >= start) &&
            (end === undefined || Number.isNaN(end) || (timeOf(entry.started_at) ?? 0) <= end),
        );
        return HttpResponse.json(entries.slice(offset, offset + limit));
      }),
    ),
    http.get(
      `${v1}/artifacts/:artifactId/content`,
      route(({ params, tenantId }) => {
        const artifact = state.artifacts.get(String(params.artifactId));
        if (!artifact || artifact.tenant_id !== tenantId)
          return reply(notFound('ARTIFACT_NOT_FOUND', `Artifact '${String(params.artifactId)}'`));
        const bytes = artifact.ciphertext;
        let offset = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (offset >= bytes.byteLength) {
              controller.close();
              return;
            }
            controller.enqueue(bytes.slice(offset, offset + chunkSize));
            offset += chunkSize;
          },
        });
        return new HttpResponse(body, {
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(bytes.byteLength),
            'content-disposition': `attachment; filename="${artifact.artifact_id}.enc"`,
            'x-encryption-algorithm': 'AES-256-GCM',
            'x-encryption-key-id': artifact.key_id,
          },
        });
      }),
    ),
  ];
  return { handlers, state };
}

function reply(answer: { status: number; body: unknown }): Response {
  return HttpResponse.json(answer.body as never, { status: answer.status });
}

/** An integer query parameter as FastAPI's `Query(default, ge=, le=)` reads it, or its 422 issue. */
function boundedQuery(
  query: URLSearchParams,
  name: string,
  fallback: number,
  minimum: number,
  maximum?: number,
): { value: number } | { issue: Record<string, unknown> } {
  const text = query.get(name);
  if (text === null) return { value: fallback };
  const loc = ['query', name];
  if (!/^\s*[+-]?\d+\s*$/.test(text)) {
    return {
      issue: { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: text },
    };
  }
  const value = Number(text);
  if (value < minimum) {
    return {
      issue: {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${minimum}`,
        input: text,
        ctx: { ge: minimum },
      },
    };
  }
  if (maximum !== undefined && value > maximum) {
    return {
      issue: { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${maximum}`, input: text, ctx: { le: maximum } },
    };
  }
  return { value };
}

/** A timestamp as milliseconds; naive ones (the server's) are UTC. `undefined` when absent, NaN when invalid. */
function timeOf(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}

/**
 * A realistic handful for the tenant: clients in several states (made at once), and a trained one
 * whose checkpoint is saved (encryption is asynchronous: the returned promise is `state.ready`).
 */
function seed(state: TenSafeMockState, tenantId: string, count: number): Promise<void> {
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  const models = ['meta-llama/Llama-3-8B', 'mistralai/Mistral-7B-v0.3', 'Qwen/Qwen2.5-7B'];
  const statuses = ['ready', 'terminated', 'error'] as const;
  const clients = Array.from({ length: count }, (_, index) => {
    const client = state.createTrainingClient(
      tenantId,
      {
        model_ref: models[index % models.length] as string,
        lora_config: { rank: 16 },
        ...(index === 0 ? { dp_config: { enabled: true, noise_multiplier: 1, target_epsilon: 8 } } : {}),
      },
      start + index * 60_000,
    );
    client.info.status = statuses[index % statuses.length] as (typeof statuses)[number];
    return client;
  });
  const trained = clients[0];
  if (!trained) return Promise.resolve();
  trained.info.step = 3;
  trained.epsilon = 1.5;
  trained.info.dp_metrics = { total_epsilon: 1.5, delta: 1e-5, num_steps: 3 };
  return state.saveState(trained, { include_optimizer: true, metadata: { note: 'seeded' } }, start + 3_600_000).then(() => undefined);
}
