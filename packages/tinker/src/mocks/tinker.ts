import { HttpResponse, http, type RequestHandler } from 'msw';
import type { components } from '../generated/tinker.js';
import {
  addCheckpoint,
  addModel,
  audit,
  SUPPORTED_MODELS,
  seededRandom,
  seededUuid,
  seedTinkerState,
  type TinkerMockFuture,
  type TinkerMockModel,
  type TinkerMockOutcome,
  type TinkerMockState,
} from './tinker-mock-state.js';
import { batchProblem, forwardOutput, sampleOutput } from './tinker-mock-training.js';

export { service as tinkerService } from '../generated/tinker.js';
export type {
  TinkerMockFuture,
  TinkerMockModel,
  TinkerMockOutcome,
  TinkerMockSampler,
  TinkerMockSession,
  TinkerMockState,
} from './tinker-mock-state.js';

type Schemas = components['schemas'];

/** Options of {@link createTinkerMock}. */
export interface TinkerMockOptions {
  /** @default 'https://tinker.thinkingmachines.dev/services/tinker-prod' (the real default base URL) */
  baseURL?: string;
  /** The only `X-API-Key` accepted. @default 'tml-mock-key' */
  apiKey?: string;
  /** Seeds the sessions, runs, checkpoints and ids. @default 1 */
  seed?: number;
  /** Scales simulated waits (the archive's Retry-After). @default 1 */
  speed?: number;
  /** Pending answers (`try_again`, then a 408, alternately) before a future's result. @default 2 */
  pollsUntilDone?: number;
  /** 503 answers for a checkpoint archive before its URL is ready. @default 1 */
  archiveRequestsUntilReady?: number;
  /** How a ready archive URL is answered: a 302 redirect or a 200 JSON body. @default 'redirect' */
  archiveAnswer?: 'redirect' | 'json';
  /** Training runs seeded at start (plus one public run of another owner). @default 5 */
  trainingRuns?: number;
  /** Checkpoints seeded per run. @default 3 */
  checkpointsPerRun?: number;
  /** Whether the caller has the tinker-admin role (needed for the audit log). @default true */
  admin?: boolean;
  /** Results larger than this many JSON bytes answer `complete_metadata` first. @default 4096 */
  inlineResultLimit?: number;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

const detail = (status: number, message: string): Reply => ({ status, body: { detail: message } });
const toResponse = (reply: Reply) =>
  reply.body === undefined
    ? new HttpResponse(null, { status: reply.status, headers: reply.headers })
    : HttpResponse.json(reply.body as never, { status: reply.status, headers: reply.headers });

/**
 * A stateful mock of Tinker's HTTP API for msw: seeded sessions, training runs and checkpoints
 * (paged), futures that answer `try_again` / 408 with a `queue_state` for a few polls, archive URLs
 * that answer 503 while being built, publishing, TTLs, an audit log, samplers. It checks
 * `X-API-Key` (default `tml-mock-key`), answers errors as `{ detail }` and replays writes that
 * repeat an `X-Idempotency-Key`.
 */
export function createTinkerMock(options: TinkerMockOptions = {}): { handlers: RequestHandler[]; state: TinkerMockState } {
  const base = `${(options.baseURL ?? 'https://tinker.thinkingmachines.dev/services/tinker-prod').replace(/\/+$/, '')}/api/v1`;
  const apiKey = options.apiKey ?? 'tml-mock-key';
  const speed = options.speed ?? 1;
  const pollsUntilDone = options.pollsUntilDone ?? 2;
  const archiveRequestsUntilReady = options.archiveRequestsUntilReady ?? 1;
  const inlineResultLimit = options.inlineResultLimit ?? 4096;
  const owner = 'user:mock';
  const state = seedTinkerState({
    seed: options.seed ?? 1,
    owner,
    trainingRuns: options.trainingRuns ?? 5,
    checkpointsPerRun: options.checkpointsPerRun ?? 3,
  });
  const random = seededRandom((options.seed ?? 1) * 31 + 7);
  let sampleSeed = options.seed ?? 1;

  const owned = (model: TinkerMockModel | undefined, scope: string | null): model is TinkerMockModel =>
    model !== undefined && (model.run.model_owner === owner || (scope === 'accessible' && model.checkpoints.some((item) => item.public)));
  const runNotFound = (id: string) => detail(404, `Training run ${id} not found`);
  const findCheckpoint = (params: Record<string, unknown>) => {
    const model = state.models.get(String(params.training_run_id));
    const checkpointId = `${String(params.checkpoint_kind)}/${String(params.checkpoint_name)}`;
    if (!owned(model, 'owned')) return { error: runNotFound(String(params.training_run_id)) };
    const checkpoint = model.checkpoints.find((item) => item.checkpoint_id === checkpointId);
    if (!checkpoint) return { error: detail(404, `Checkpoint ${checkpointId} not found in training run ${model.run.training_run_id}`) };
    return { model, checkpoint };
  };
  const byPath = (tinkerPath: string) => {
    const match = /^tinker:\/\/([^/]+)\/(weights|sampler_weights)\/([^/]+)$/.exec(tinkerPath);
    if (!match) return { error: detail(400, `Invalid tinker path: ${tinkerPath}`) };
    const model = state.models.get(match[1] ?? '');
    const checkpoint = model?.checkpoints.find((item) => item.checkpoint_id === `${match[2]}/${match[3]}`);
    if (!model || !checkpoint || !(model.run.model_owner === owner || checkpoint.public)) {
      return { error: detail(404, `Checkpoint ${tinkerPath} not found`) };
    }
    return { model, checkpoint };
  };
  const page = <T>(items: T[], request: Request, defaultLimit: number) => {
    const query = new URL(request.url).searchParams;
    const limit = Number(query.get('limit') ?? defaultLimit);
    const offset = Number(query.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return undefined;
    return { items: items.slice(offset, offset + limit), cursor: { offset, limit, total_count: items.length } };
  };
  const json = async (request: Request): Promise<Record<string, unknown> | undefined> => {
    try {
      const body = await request.json();
      return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  /** Replays the first answer to a write that repeats its X-Idempotency-Key. */
  const once = async (request: Request, handle: () => Reply | Promise<Reply>) => {
    const key = request.headers.get('x-idempotency-key');
    const scoped = key ? `${request.method} ${new URL(request.url).pathname} ${key}` : undefined;
    const known = scoped ? state.idempotentReplies.get(scoped) : undefined;
    const reply = known ?? (await handle());
    if (scoped && !known && reply.status < 500) state.idempotentReplies.set(scoped, reply);
    return toResponse(reply);
  };
  const newFuture = (type: string, run: () => TinkerMockOutcome, order?: { model: TinkerMockModel; seq_id: unknown }) => {
    const future: TinkerMockFuture = { request_id: seededUuid(random), type, polls: 0, expired: false, run };
    if (order && typeof order.seq_id === 'number') {
      future.model_id = order.model.run.training_run_id;
      future.seq_id = order.seq_id;
    }
    state.futures.set(future.request_id, future);
    return future;
  };
  /** Run a future's work, after the work of every earlier request (lower seq_id) of the same model, as the server orders them. */
  const settle = (future: TinkerMockFuture) => {
    if (future.model_id !== undefined) {
      const earlier = [...state.futures.values()]
        .filter((other) => other.model_id === future.model_id && !other.outcome && (other.seq_id ?? 0) < (future.seq_id ?? 0))
        .sort((left, right) => (left.seq_id ?? 0) - (right.seq_id ?? 0));
      for (const other of earlier) other.outcome = other.run();
    }
    future.outcome ??= future.run();
    return future.outcome;
  };
  const userError = (message: string) => ({ error: { error: message, category: 'user' as const } });
  const trainingModel = (body: Record<string, unknown>) => {
    const model = state.models.get(String(body.model_id));
    if (!model || model.run.model_owner !== owner) return undefined;
    if (typeof body.seq_id === 'number') model.seq_id = Math.max(model.seq_id, body.seq_id);
    model.run.last_request_time = new Date().toISOString();
    return model;
  };
  const submitted = (future: TinkerMockFuture, modelId?: string): Reply => ({
    status: 200,
    body: { request_id: future.request_id, ...(modelId ? { model_id: modelId } : {}) },
  });

  const handlers: RequestHandler[] = [
    http.all(`${base}/*`, ({ request }) =>
      request.headers.get('x-api-key') === apiKey ? undefined : toResponse(detail(401, 'Invalid or missing API key')),
    ),

    // RestClient
    http.get(`${base}/training_runs`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const scope = query.get('access_scope') ?? 'owned';
      const project = query.get('project_id');
      const runs = [...state.models.values()]
        .filter((model) => owned(model, scope))
        .filter((model) => !project || state.sessions.get(model.session_id)?.project_id === project)
        .map((model) => model.run)
        .sort((left, right) => right.last_request_time.localeCompare(left.last_request_time));
      const result = page(runs, request, 20);
      if (!result) return toResponse(detail(400, 'limit must be ≥ 1 and offset ≥ 0'));
      return HttpResponse.json({ training_runs: result.items, cursor: result.cursor });
    }),
    http.get(`${base}/training_runs/:training_run_id`, ({ request, params }) => {
      const model = state.models.get(String(params.training_run_id));
      const scope = new URL(request.url).searchParams.get('access_scope');
      return owned(model, scope) ? HttpResponse.json(model.run) : toResponse(runNotFound(String(params.training_run_id)));
    }),
    http.get(`${base}/training_runs/:training_run_id/checkpoints`, ({ params }) => {
      const model = state.models.get(String(params.training_run_id));
      if (!owned(model, 'accessible')) return toResponse(runNotFound(String(params.training_run_id)));
      const visible = model.run.model_owner === owner ? model.checkpoints : model.checkpoints.filter((item) => item.public);
      return HttpResponse.json({ checkpoints: visible });
    }),
    http.get(`${base}/checkpoints`, ({ request }) => {
      const all = [...state.models.values()]
        .filter((model) => model.run.model_owner === owner)
        .flatMap((model) => model.checkpoints)
        .sort((left, right) => right.time.localeCompare(left.time));
      const result = page(all, request, 100);
      if (!result) return toResponse(detail(400, 'limit must be ≥ 1 and offset ≥ 0'));
      return HttpResponse.json({ checkpoints: result.items, cursor: result.cursor });
    }),
    http.get(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/archive`, ({ params }) => {
      const found = findCheckpoint(params);
      if (found.error) return toResponse(found.error);
      const key = found.checkpoint.tinker_path;
      const seen = (state.archiveRequests.get(key) ?? 0) + 1;
      state.archiveRequests.set(key, seen);
      if (seen <= archiveRequestsUntilReady) {
        const wait = 30_000 / speed;
        return HttpResponse.json(
          { detail: 'The checkpoint archive is being built; try again shortly' },
          {
            status: 503,
            headers: { 'Retry-After': String(Math.max(1, Math.round(wait / 1000))), 'retry-after-ms': String(Math.round(wait)) },
          },
        );
      }
      const expires = new Date(Date.now() + 3_600_000);
      const url = `https://storage.tinker.mock/archives/${encodeURIComponent(found.model.run.training_run_id)}/${found.checkpoint.checkpoint_id}.tar?expires=${expires.getTime()}&signature=${seededUuid(random).replace(/-/g, '')}`;
      if (options.archiveAnswer === 'json') return HttpResponse.json({ url, expires: expires.toISOString() });
      return new HttpResponse(null, { status: 302, headers: { Location: url, Expires: expires.toUTCString() } });
    }),
    http.delete(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name`, ({ params }) => {
      const found = findCheckpoint(params);
      if (found.error) return toResponse(found.error);
      const { model, checkpoint } = found;
      model.checkpoints = model.checkpoints.filter((item) => item !== checkpoint);
      if (model.run.last_checkpoint?.checkpoint_id === checkpoint.checkpoint_id) {
        model.run.last_checkpoint = model.checkpoints.filter((item) => item.checkpoint_type === 'training').at(-1) ?? null;
      }
      if (model.run.last_sampler_checkpoint?.checkpoint_id === checkpoint.checkpoint_id) {
        model.run.last_sampler_checkpoint = model.checkpoints.filter((item) => item.checkpoint_type === 'sampler').at(-1) ?? null;
      }
      audit(state, Date.now(), 'checkpoint_deleted', model.run.training_run_id, checkpoint.tinker_path, null);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/publish`, ({ request, params }) =>
      once(request, () => {
        const found = findCheckpoint(params);
        if (found.error) return found.error;
        if (found.checkpoint.public) return detail(409, `Checkpoint ${found.checkpoint.tinker_path} is already public`);
        found.checkpoint.public = true;
        audit(state, Date.now(), 'checkpoint_published', found.model.run.training_run_id, found.checkpoint.tinker_path, null);
        return { status: 204 };
      }),
    ),
    http.delete(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/publish`, ({ params }) => {
      const found = findCheckpoint(params);
      if (found.error) return toResponse(found.error);
      if (!found.checkpoint.public) return toResponse(detail(409, `Checkpoint ${found.checkpoint.tinker_path} is already private`));
      found.checkpoint.public = false;
      audit(state, Date.now(), 'checkpoint_unpublished', found.model.run.training_run_id, found.checkpoint.tinker_path, null);
      return new HttpResponse(null, { status: 204 });
    }),
    http.put(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/ttl`, async ({ request, params }) => {
      const body = await json(request);
      const ttl = body?.ttl_seconds;
      if (!body || !('ttl_seconds' in body) || (ttl !== null && !(Number.isInteger(ttl) && (ttl as number) > 0))) {
        return toResponse(detail(400, 'ttl_seconds must be a positive integer or null'));
      }
      const found = findCheckpoint(params);
      if (found.error) return toResponse(found.error);
      found.checkpoint.expires_at = ttl === null ? null : new Date(Date.now() + (ttl as number) * 1000).toISOString();
      audit(
        state,
        Date.now(),
        ttl === null ? 'checkpoint_ttl_removed' : 'checkpoint_ttl_set',
        found.model.run.training_run_id,
        found.checkpoint.tinker_path,
        null,
      );
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/weights_info`, async ({ request }) => {
      const body = await json(request);
      if (typeof body?.tinker_path !== 'string') return toResponse(detail(400, 'tinker_path is required'));
      const found = byPath(body.tinker_path);
      if (found.error) return toResponse(found.error);
      const { lora_config: lora, run } = found.model;
      return HttpResponse.json({
        base_model: run.base_model,
        is_lora: true,
        lora_rank: lora.rank,
        train_unembed: lora.train_unembed ?? true,
        train_mlp: lora.train_mlp ?? true,
        train_attn: lora.train_attn ?? true,
      });
    }),
    http.get(`${base}/audit`, ({ request }) => {
      if (options.admin === false) return toResponse(detail(403, 'Viewing the audit log requires the tinker-admin role'));
      const query = new URL(request.url).searchParams;
      const eventType = query.get('event_type') ?? 'all';
      if (eventType !== 'all' && eventType !== 'checkpoints') return toResponse(detail(400, 'event_type must be all or checkpoints'));
      const day = query.get('day') ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) return toResponse(detail(400, 'day must be YYYY-MM-DD'));
      return HttpResponse.json({ entries: state.auditLog.filter((entry) => entry.timestamp.startsWith(day)) });
    }),
    http.get(`${base}/sessions`, ({ request }) => {
      const ids = [...state.sessions.values()]
        .filter((session) => session.owner === owner)
        .sort((left, right) => right.created_at.localeCompare(left.created_at))
        .map((session) => session.session_id);
      const result = page(ids, request, 20);
      if (!result) return toResponse(detail(400, 'limit must be ≥ 1 and offset ≥ 0'));
      return HttpResponse.json({ sessions: result.items });
    }),
    http.get(`${base}/sessions/:session_id`, ({ params }) => {
      const session = state.sessions.get(String(params.session_id));
      if (!session || session.owner !== owner) return toResponse(detail(404, `Session ${String(params.session_id)} not found`));
      return HttpResponse.json({ training_run_ids: session.training_run_ids, sampler_ids: session.sampler_ids });
    }),
    http.put(`${base}/sessions/:session_id/project`, async ({ request, params }) => {
      const body = await json(request);
      if (typeof body?.project_id !== 'string' || body.project_id === '') return toResponse(detail(400, 'project_id is required'));
      const session = state.sessions.get(String(params.session_id));
      if (!session) return toResponse(detail(404, `Session ${String(params.session_id)} not found`));
      if (session.owner !== owner) return toResponse(detail(403, 'You do not have access to this session'));
      session.project_id = body.project_id;
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(`${base}/samplers/:sampler_id`, ({ params }) => {
      const sampler = state.samplers.get(String(params.sampler_id));
      if (!sampler) return toResponse(detail(404, `Sampler ${String(params.sampler_id)} not found`));
      return HttpResponse.json({ sampler_id: sampler.sampler_id, base_model: sampler.base_model, model_path: sampler.model_path });
    }),

    // Sessions, training and sampling
    http.get(`${base}/get_server_capabilities`, () => HttpResponse.json({ supported_models: SUPPORTED_MODELS })),
    http.post(`${base}/create_session`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        if (body?.type !== 'create_session' || !Array.isArray(body.tags)) return detail(400, 'Invalid create_session request');
        const now = new Date().toISOString();
        const session = {
          session_id: seededUuid(random),
          owner,
          project_id: typeof body.project_id === 'string' ? body.project_id : undefined,
          tags: body.tags as string[],
          created_at: now,
          last_heartbeat: now,
          training_run_ids: [],
          sampler_ids: [],
        };
        state.sessions.set(session.session_id, session);
        return { status: 200, body: { type: 'create_session', session_id: session.session_id } };
      }),
    ),
    http.post(`${base}/session_heartbeat`, async ({ request }) => {
      const body = await json(request);
      const session = state.sessions.get(String(body?.session_id));
      if (!session) return toResponse(detail(404, `Session ${String(body?.session_id)} not found`));
      session.last_heartbeat = new Date().toISOString();
      return HttpResponse.json({ type: 'session_heartbeat' });
    }),
    http.post(`${base}/create_model`, ({ request }) =>
      once(request, async () => {
        const body = (await json(request)) as Schemas['CreateModelRequest'] | undefined;
        const session = state.sessions.get(String(body?.session_id));
        if (!body || !session) return detail(404, `Session ${String(body?.session_id)} not found`);
        if (!body.lora_config || !Number.isInteger(body.lora_config.rank)) return detail(400, 'lora_config.rank is required');
        const modelId = `${session.session_id}:train:${body.model_seq_id}`;
        if (state.models.has(modelId)) return detail(400, `model_seq_id ${body.model_seq_id} is already used in this session`);
        const future = newFuture('CreateModel', () => {
          if (!SUPPORTED_MODELS.some((model) => model.model_name === body.base_model)) {
            return userError(`Base model ${body.base_model} is not supported; see get_server_capabilities`);
          }
          addModel(state, session, body.base_model, body.lora_config, Date.now(), body.user_metadata, body.model_seq_id);
          return { result: { model_id: modelId, type: 'create_model' } };
        });
        return submitted(future, modelId);
      }),
    ),
    http.post(`${base}/get_info`, async ({ request }) => {
      const body = await json(request);
      const model = state.models.get(String(body?.model_id));
      if (!model) return toResponse(detail(404, `Model ${String(body?.model_id)} not found`));
      return HttpResponse.json({
        type: 'get_info',
        model_id: model.run.training_run_id,
        model_data: { arch: 'transformer', model_name: model.run.base_model, tokenizer_id: model.run.base_model },
        is_lora: true,
        lora_rank: model.lora_config.rank,
        model_name: model.run.base_model,
      });
    }),
    ...(['forward_backward', 'forward'] as const).map((route) =>
      http.post(`${base}/${route}`, ({ request }) =>
        once(request, async () => {
          const body = await json(request);
          const input = (route === 'forward' ? body?.forward_input : body?.forward_backward_input) as
            | Schemas['ForwardBackwardInput']
            | undefined;
          if (!body || !input || !Array.isArray(input.data)) return detail(400, `Invalid ${route} request`);
          const model = trainingModel(body);
          if (!model) return detail(404, `Model ${String(body.model_id)} not found`);
          const future = newFuture(
            route === 'forward' ? 'Forward' : 'ForwardBackward',
            () => {
              const problem = batchProblem(input);
              if (problem) return userError(problem);
              if (route === 'forward_backward') model.gradients = true;
              return { result: forwardOutput(model, input) };
            },
            { model, seq_id: body.seq_id },
          );
          return submitted(future);
        }),
      ),
    ),
    http.post(`${base}/optim_step`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        const model = body && trainingModel(body);
        if (!body || !model) return detail(404, `Model ${String(body?.model_id)} not found`);
        const adam = (body.adam_params ?? {}) as Schemas['AdamParams'];
        const future = newFuture(
          'OptimStep',
          () => {
            const result = { metrics: { learning_rate: adam.learning_rate ?? 1e-4, grad_norm: model.gradients ? 1.25 : 0 } };
            if (model.gradients) model.steps += 1;
            model.gradients = false;
            return { result };
          },
          { model, seq_id: body.seq_id },
        );
        return submitted(future);
      }),
    ),
    ...(['save_weights', 'save_weights_for_sampler'] as const).map((route) =>
      http.post(`${base}/${route}`, ({ request }) =>
        once(request, async () => {
          const body = await json(request);
          const model = body && trainingModel(body);
          if (!body || !model) return detail(404, `Model ${String(body?.model_id)} not found`);
          const kind = route === 'save_weights' ? 'weights' : 'sampler_weights';
          const type = route === 'save_weights' ? 'SaveWeights' : 'SaveWeightsForSampler';
          if (route === 'save_weights_for_sampler' && body.path === undefined) {
            // No name: the weights go straight into a new sampling session.
            const session = state.sessions.get(model.session_id);
            const samplerId = `${model.session_id}:sample:${Number(body.sampling_session_seq_id ?? session?.sampler_ids.length ?? 0)}`;
            const future = newFuture(
              type,
              () => {
                const sampler = { sampler_id: samplerId, base_model: model.run.base_model, model_path: null, session_id: model.session_id };
                state.samplers.set(samplerId, sampler);
                session?.sampler_ids.push(samplerId);
                return { result: { sampling_session_id: samplerId, type: route } };
              },
              { model, seq_id: body.seq_id },
            );
            return submitted(future);
          }
          const name = typeof body.path === 'string' ? body.path : String(model.checkpoints.length + 1).padStart(4, '0');
          const tinkerPath = `tinker://${model.run.training_run_id}/${kind}/${name}`;
          const future = newFuture(
            type,
            () => {
              const exists = model.checkpoints.some((item) => item.checkpoint_id === `${kind}/${name}`);
              if (exists && body.overwrite !== true) {
                return userError(`Checkpoint ${tinkerPath} already exists; pass overwrite to replace it`);
              }
              const ttl = typeof body.ttl_seconds === 'number' ? body.ttl_seconds : undefined;
              addCheckpoint(state, model, kind, name, Date.now(), 4_000_000 * model.lora_config.rank, ttl);
              return { result: { path: tinkerPath, type: route } };
            },
            { model, seq_id: body.seq_id },
          );
          return submitted(future);
        }),
      ),
    ),
    http.post(`${base}/load_weights`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        const model = body && trainingModel(body);
        if (!body || !model) return detail(404, `Model ${String(body?.model_id)} not found`);
        const path = String(body.path);
        const future = newFuture(
          'LoadWeights',
          () => {
            const found = byPath(path);
            if (found.error) return userError(`Cannot load ${path}: not found or not accessible`);
            if (found.checkpoint.checkpoint_type !== 'training') {
              return userError(`${path} holds sampler weights; load a weights/ checkpoint`);
            }
            return { result: { path, model_id: model.run.training_run_id, type: 'load_weights' } };
          },
          { model, seq_id: body.seq_id },
        );
        return submitted(future);
      }),
    ),
    http.post(`${base}/create_sampling_session`, ({ request }) =>
      once(request, async () => {
        const body = await json(request);
        const session = state.sessions.get(String(body?.session_id));
        if (!body || !session) return detail(404, `Session ${String(body?.session_id)} not found`);
        let baseModel = typeof body.base_model === 'string' ? body.base_model : undefined;
        const modelPath = typeof body.model_path === 'string' ? body.model_path : null;
        if (modelPath) {
          const found = byPath(modelPath);
          if (found.error) return found.error;
          baseModel = found.model.run.base_model;
        } else if (!SUPPORTED_MODELS.some((model) => model.model_name === baseModel)) {
          return detail(400, `Base model ${String(baseModel)} is not supported`);
        }
        const samplerId = `${session.session_id}:sample:${Number(body.sampling_session_seq_id)}`;
        state.samplers.set(samplerId, {
          sampler_id: samplerId,
          base_model: baseModel ?? '',
          model_path: modelPath,
          session_id: session.session_id,
        });
        session.sampler_ids.push(samplerId);
        return { status: 200, body: { type: 'create_sampling_session', sampling_session_id: samplerId } };
      }),
    ),
    http.post(`${base}/asample`, ({ request }) =>
      once(request, async () => {
        const body = (await json(request)) as Schemas['SampleRequest'] | undefined;
        if (!body?.prompt || !body.sampling_params) return detail(400, 'Invalid sample request');
        if (body.sampling_session_id !== undefined && !state.samplers.has(body.sampling_session_id)) {
          return detail(404, `Sampling session ${body.sampling_session_id} not found`);
        }
        const future = newFuture('Sample', () => ({ result: sampleOutput(body, sampleSeed++) }));
        return submitted(future);
      }),
    ),
    http.post(`${base}/retrieve_future`, async ({ request }) => {
      const body = await json(request);
      const future = state.futures.get(String(body?.request_id));
      if (!future) return toResponse(detail(404, `Future ${String(body?.request_id)} not found`));
      if (future.expired) return toResponse(detail(410, `Future ${future.request_id} expired; submit the request again`));
      future.polls += 1;
      if (!future.outcome && future.polls <= pollsUntilDone) {
        const pending = {
          type: 'try_again',
          request_id: future.request_id,
          queue_state: state.queueState,
          ...(state.queueStateReason ? { queue_state_reason: state.queueStateReason } : {}),
        };
        // Alternate the two pending answers: a JSON try_again, then the quiet 408 of a long poll that timed out.
        return HttpResponse.json(pending, { status: future.polls % 2 === 0 ? 408 : 200 });
      }
      const outcome = settle(future);
      if ('error' in outcome) return HttpResponse.json(outcome.error);
      const size = JSON.stringify(outcome.result).length;
      if (size > inlineResultLimit && body?.allow_metadata_only !== false) {
        return HttpResponse.json({ status: 'complete_metadata', response_payload_size: size });
      }
      return HttpResponse.json(outcome.result as never);
    }),
  ];
  return { handlers, state };
}
