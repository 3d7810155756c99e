import { seededRandom } from '@trainwire/core';
import { IdempotencyReplay, RequestIds, seededUuid } from '@trainwire/core/mock-kit';
import type { components } from '../generated/tinker.js';

type Schemas = components['schemas'];
type TrainingRun = Schemas['TrainingRun'];
type Checkpoint = Schemas['Checkpoint'];

/** A session of the Tinker mock. */
export interface TinkerMockSession {
  session_id: string;
  owner: string;
  project_id: string | undefined;
  tags: string[];
  created_at: string;
  last_heartbeat: string;
  training_run_ids: string[];
  sampler_ids: string[];
}

/** A training run of the Tinker mock, with what training has done to it. */
export interface TinkerMockModel {
  run: TrainingRun;
  session_id: string;
  lora_config: Schemas['LoraConfig'];
  /** The last `seq_id` applied. */
  seq_id: number;
  /** Optimizer steps taken. */
  steps: number;
  /** Whether a forward_backward left gradients for the next optim_step. */
  gradients: boolean;
  checkpoints: Checkpoint[];
}

/** How a request of the Tinker mock ended: its result, or a failure with its category. */
export type TinkerMockOutcome = { result: unknown } | { error: { error: string; category: 'unknown' | 'server' | 'user' } };

/**
 * A future of the Tinker mock: it answers `try_again` (or 408) until `polls` reaches the mock's
 * `pollsUntilDone`, and its work runs then, after every lower `seq_id` of the same model.
 */
export interface TinkerMockFuture {
  request_id: string;
  type: string;
  polls: number;
  /** The training run whose requests are applied in `seq_id` order. */
  model_id?: string | undefined;
  seq_id?: number | undefined;
  /** Does the work of the request and says how it ended (run once). */
  run: () => TinkerMockOutcome;
  outcome?: TinkerMockOutcome;
  /** Set by `state.expireFuture`: every poll answers 410. */
  expired: boolean;
}

/** A sampler of the Tinker mock. */
export interface TinkerMockSampler {
  sampler_id: string;
  base_model: string;
  model_path: string | null;
  session_id: string;
}

export const SUPPORTED_MODELS = [
  { model_name: 'meta-llama/Llama-3.1-8B', max_context_length: 131072 },
  { model_name: 'meta-llama/Llama-3.2-1B', max_context_length: 131072 },
  { model_name: 'Qwen/Qwen3-8B', max_context_length: 32768 },
  { model_name: 'Qwen/Qwen3-30B-A3B', max_context_length: 32768 },
];

/**
 * The flags the mock answers `client/config` with: every flag SDK 0.25 reads, at the SDK's
 * defaults, except `use_pyqwest_transport` (off: pyqwest is an optional Rust transport, not needed
 * to speak to a mock). JWT exchange and create-via-load-weights stay off: the mock serves neither.
 */
export const TINKER_MOCK_CLIENT_CONFIG: Required<Schemas['ClientConfigResponse']> = {
  pjwt_auth_enabled: false,
  credential_default_source: 'api_key',
  sample_dispatch_bytes_semaphore_size: 10 * 1024 * 1024,
  inflight_response_bytes_semaphore_size: 50 * 1024 * 1024,
  parallel_fwdbwd_chunks: true,
  proto_compress_fwdbwd: false,
  fwdbwd_max_chunk_len: 1024,
  fwdbwd_max_chunk_bytes_count: 5_000_000,
  fwdbwd_dispatch_bytes_semaphore_size: 50_000_000,
  billing_exception_max_pause_duration_sec: 3600,
  sample_no_retries: false,
  sample_enable_stuck_detection: true,
  sample_max_concurrent_requests: 2000,
  use_pyqwest_transport: false,
  create_model_via_load_weights: false,
};

/** Everything the Tinker mock knows; tests may read it and change it. */
export interface TinkerMockState {
  /** The caller's identity (owner of its runs). */
  owner: string;
  sessions: Map<string, TinkerMockSession>;
  models: Map<string, TinkerMockModel>;
  samplers: Map<string, TinkerMockSampler>;
  futures: Map<string, TinkerMockFuture>;
  auditLog: Schemas['AuditLogEntry'][];
  /** Answers to writes, replayed for a repeated `X-Idempotency-Key`. */
  idempotency: IdempotencyReplay;
  /** The `x-request-id` of every answer (a seeded stream of its own). */
  requestIds: RequestIds;
  /** Archive requests seen per checkpoint (`<run>/<checkpoint_id>`). */
  archiveRequests: Map<string, number>;
  /** The queue state `try_again` answers report. */
  queueState: Schemas['QueueState'];
  queueStateReason: string | undefined;
  /** What `client/config` answers (SDK 0.25 reads it before anything else); change it to try other flags. */
  clientConfig: Schemas['ClientConfigResponse'];
  /** What `client/dynamic_config` answers. */
  clientDynamicConfig: Schemas['ClientDynamicConfigResponse'];
  /** JWTs `auth/token` issued (with `pjwt_auth_enabled`), and when each expires (ms since the epoch). */
  jwts: Map<string, number>;
  /** Telemetry batches accepted, and the last 1000 of their events. */
  telemetryBatches: number;
  telemetryEvents: Schemas['TelemetryEvent'][];
  /** Make every later poll of this future answer 410, as if the server forgot it. */
  expireFuture(requestId: string): void;
}

/** Seed a realistic handful of sessions, runs and checkpoints from `seed` (deterministic). */
export function seedTinkerState(options: {
  seed: number;
  owner: string;
  trainingRuns: number;
  checkpointsPerRun: number;
  clientConfig: Schemas['ClientConfigResponse'];
}): TinkerMockState {
  const random = seededRandom(options.seed);
  const state: TinkerMockState = {
    owner: options.owner,
    sessions: new Map(),
    models: new Map(),
    samplers: new Map(),
    futures: new Map(),
    auditLog: [],
    idempotency: new IdempotencyReplay({ header: 'x-idempotency-key' }),
    requestIds: new RequestIds({ seed: options.seed }),
    archiveRequests: new Map(),
    queueState: 'active',
    queueStateReason: undefined,
    clientConfig: { ...TINKER_MOCK_CLIENT_CONFIG, ...options.clientConfig },
    clientDynamicConfig: { refresh_interval_sec: 300 },
    jwts: new Map(),
    telemetryBatches: 0,
    telemetryEvents: [],
    expireFuture(requestId) {
      const future = state.futures.get(requestId);
      if (future) future.expired = true;
    },
  };
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  const addSession = (owner: string, at: number, project?: string): TinkerMockSession => {
    const session: TinkerMockSession = {
      session_id: seededUuid(random),
      owner,
      project_id: project,
      tags: ['seeded'],
      created_at: new Date(at).toISOString(),
      last_heartbeat: new Date(at).toISOString(),
      training_run_ids: [],
      sampler_ids: [],
    };
    state.sessions.set(session.session_id, session);
    return session;
  };
  for (let index = 0; index < options.trainingRuns; index++) {
    const at = start + index * 6 * 3_600_000 + Math.floor(random() * 3_600_000);
    const session = addSession(options.owner, at, index % 2 === 0 ? 'proj-research' : undefined);
    const model = SUPPORTED_MODELS[Math.floor(random() * SUPPORTED_MODELS.length)]?.model_name ?? 'Qwen/Qwen3-8B';
    const rank = [8, 16, 32, 64][Math.floor(random() * 4)] ?? 32;
    const created = addModel(state, session, model, { rank, train_unembed: true, train_mlp: true, train_attn: true }, at);
    for (let step = 1; step <= options.checkpointsPerRun; step++) {
      const time = at + step * 20 * 60_000;
      const kind = step % 3 === 0 ? 'sampler_weights' : 'weights';
      addCheckpoint(state, created, kind, String(step * 100).padStart(4, '0'), time, Math.floor(4_000_000 * rank * (0.9 + random() * 0.2)));
      created.steps = step * 100;
    }
    created.run.last_request_time = new Date(at + (options.checkpointsPerRun + 1) * 20 * 60_000).toISOString();
  }
  // A run of someone else with a public checkpoint: visible only with access_scope=accessible.
  const other = addSession('user:other-team', start - 86_400_000);
  const shared = addModel(
    state,
    other,
    'meta-llama/Llama-3.1-8B',
    { rank: 32, train_unembed: true, train_mlp: true, train_attn: true },
    start - 86_400_000,
  );
  const published = addCheckpoint(state, shared, 'weights', 'final', start - 80_000_000, 130_000_000);
  published.public = true;
  return state;
}

/** Add a training run to `session`. */
export function addModel(
  state: TinkerMockState,
  session: TinkerMockSession,
  baseModel: string,
  loraConfig: Schemas['LoraConfig'],
  at: number,
  userMetadata?: Record<string, string>,
  modelSeqId = session.training_run_ids.length,
): TinkerMockModel {
  const id = `${session.session_id}:train:${modelSeqId}`;
  const model: TinkerMockModel = {
    run: {
      training_run_id: id,
      base_model: baseModel,
      model_owner: session.owner,
      is_lora: true,
      corrupted: false,
      lora_rank: loraConfig.rank,
      last_request_time: new Date(at).toISOString(),
      last_checkpoint: null,
      last_sampler_checkpoint: null,
      user_metadata: userMetadata ?? null,
    },
    session_id: session.session_id,
    lora_config: loraConfig,
    seq_id: 0,
    steps: 0,
    gradients: false,
    checkpoints: [],
  };
  state.models.set(id, model);
  session.training_run_ids.push(id);
  return model;
}

/** Add (or replace) a checkpoint of `model` and log it. */
export function addCheckpoint(
  state: TinkerMockState,
  model: TinkerMockModel,
  kind: 'weights' | 'sampler_weights',
  name: string,
  at: number,
  sizeBytes: number,
  ttlSeconds?: number,
): Checkpoint {
  const runId = model.run.training_run_id;
  const checkpoint: Checkpoint = {
    checkpoint_id: `${kind}/${name}`,
    checkpoint_type: kind === 'weights' ? 'training' : 'sampler',
    time: new Date(at).toISOString(),
    tinker_path: `tinker://${runId}/${kind}/${name}`,
    training_run_id: runId,
    size_bytes: sizeBytes,
    public: false,
    expires_at: ttlSeconds === undefined ? null : expiresAt(at, ttlSeconds),
  };
  model.checkpoints = model.checkpoints.filter((item) => item.checkpoint_id !== checkpoint.checkpoint_id);
  model.checkpoints.push(checkpoint);
  if (kind === 'weights') model.run.last_checkpoint = checkpoint;
  else model.run.last_sampler_checkpoint = checkpoint;
  audit(state, at, 'checkpoint_created', runId, checkpoint.tinker_path, kind === 'weights' ? 'training' : 'sampler');
  return checkpoint;
}

/** Append an audit entry (kept sorted by timestamp). */
export function audit(
  state: TinkerMockState,
  at: number,
  event: string,
  modelId: string | null,
  tinkerPath: string | null,
  purpose: string | null,
) {
  state.auditLog.push({ timestamp: new Date(at).toISOString(), event, model_id: modelId, tinker_path: tinkerPath, purpose });
  state.auditLog.sort((left, right) => left.timestamp.localeCompare(right.timestamp));
}

/** The expiry of a TTL from `at`, capped at the last instant a Date can hold (a TTL of 1e308 s is legal). */
export function expiresAt(at: number, ttlSeconds: number): string {
  return new Date(Math.min(at + ttlSeconds * 1000, 8.64e15)).toISOString();
}
