import { seededRandom } from '@trainwire/core';
import { detail, mockHttp, pageOf, readOffsetPage, seededUuid } from '@trainwire/core/mock-kit';
import { HttpResponse } from 'msw';
import type { TinkerMockOptions } from './tinker.js';
import { seedTinkerState, type TinkerMockFuture, type TinkerMockModel, type TinkerMockOutcome } from './tinker-mock-state.js';

/** The most items a page may hold (the spec's `limit` maximum). */
const MAX_LIMIT = 1000;

/** The state of one mock and the helpers its handlers share. */
export type TinkerMockContext = ReturnType<typeof createTinkerMockContext>;

/** Seed the state of a mock and build the helpers its handlers share. */
export function createTinkerMockContext(options: TinkerMockOptions) {
  const base = `${(options.baseURL ?? 'https://tinker.thinkingmachines.dev/services/tinker-prod').replace(/\/+$/, '')}/api/v1`;
  const owner = 'user:mock';
  const state = seedTinkerState({
    seed: options.seed ?? 1,
    owner,
    trainingRuns: options.trainingRuns ?? 5,
    checkpointsPerRun: options.checkpointsPerRun ?? 3,
    clientConfig: options.clientConfig ?? {},
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
  /** A page of `items` from `limit` and `offset`, or the mock's 400 for a bad one (the spec declares 400, not FastAPI's 422). */
  const page = <T>(items: T[], request: Request, defaultLimit: number) => {
    const window = readOffsetPage(new URL(request.url).searchParams, { defaultLimit, maxLimit: MAX_LIMIT });
    if ('problem' in window) return { error: detail(400, `${window.problem.loc.join('.')}: ${window.problem.msg}`) };
    return { items: pageOf(items, window), cursor: { offset: window.offset, limit: window.limit, total_count: items.length } };
  };
  const json = async (request: Request): Promise<Record<string, unknown> | undefined> => {
    try {
      const body = await request.json();
      return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  /**
   * Replays the first answer to a write that repeats its X-Idempotency-Key (per route, whatever the
   * body: the SDK makes a key per request). The handler reads the request itself (bytes or JSON).
   */
  const once = (request: Request, handle: () => Response | Promise<Response>) =>
    state.idempotency.once(request.clone(), handle, `${request.method} ${new URL(request.url).pathname}`);
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
  const submitted = (future: TinkerMockFuture, modelId?: string) =>
    HttpResponse.json({ request_id: future.request_id, ...(modelId ? { model_id: modelId } : {}) });

  return {
    base,
    /** msw's `http`, stamping every answer with an `x-request-id`. */
    http: mockHttp(state.requestIds),
    apiKey: options.apiKey ?? 'tml-mock-key',
    speed: options.speed ?? 1,
    pollsUntilDone: options.pollsUntilDone ?? 2,
    archiveRequestsUntilReady: options.archiveRequestsUntilReady ?? 1,
    archiveAnswer: options.archiveAnswer ?? 'redirect',
    admin: options.admin ?? true,
    inlineResultLimit: options.inlineResultLimit ?? 4096,
    owner,
    state,
    random,
    nextSampleSeed: () => sampleSeed++,
    owned,
    runNotFound,
    findCheckpoint,
    byPath,
    page,
    json,
    once,
    newFuture,
    settle,
    userError,
    trainingModel,
    submitted,
  };
}
