import { seededRandom } from '@trainwire/core';
import { IdempotencyReplay, seededUuid } from '@trainwire/core/mock-kit';
import type { components } from '../generated/tensafe.js';
import { sha256Hex } from '../tensafe/sha256.js';
import { type AuditLogEntry, auditRecordHash, GENESIS_HASH } from '../tensafe/tensafe-audit.js';
import { canonicalJson } from '../tensafe/tensafe-canonical-json.js';
import { checkpointBytes, contentHash, encryptArtifact, hexBytes } from './tensafe-mock-crypto.js';
import { runJob } from './tensafe-mock-orchestrator.js';

type Schemas = components['schemas'];

/** A training client as the mock keeps it. */
export interface TenSafeMockTrainingClient {
  info: Schemas['TrainingClientInfo'];
  /** Privacy budget spent so far (sum of each noisy step's epsilon). */
  epsilon: number;
}

/** A future as the mock keeps it; it moves pending → running → completed/failed over polls. */
export interface TenSafeMockFuture {
  response: Schemas['FutureResponse'];
  tenantId: string;
  polls: number;
  createdAt: number;
  request: Record<string, unknown>;
  /** What the server hashes for the audit entry: the request with the client's DP config. */
  payload: Record<string, unknown>;
  result: Schemas['FutureResultResponse']['result'];
  error: string | null;
}

/** The server's defaults for the parts of a config (its pydantic models, echoed back in full). */
const LORA_DEFAULTS = { rank: 16, alpha: 32, dropout: 0.05, target_modules: ['q_proj', 'v_proj', 'k_proj', 'o_proj'], bias: 'none' };
const OPTIMIZER_DEFAULTS = { name: 'adamw', learning_rate: 0.0001, weight_decay: 0.01, betas: [0.9, 0.999], eps: 1e-8 };
const DP_DEFAULTS = { enabled: true, noise_multiplier: 1, max_grad_norm: 1, target_epsilon: 8, target_delta: 1e-5, accountant_type: 'rdp' };

/** An encrypted artifact: the ciphertext and everything needed to decrypt it (for tests). */
export interface TenSafeMockArtifact {
  artifact_id: string;
  tenant_id: string;
  training_client_id: string;
  step: number;
  /** Plaintext size. */
  size_bytes: number;
  content_hash: string;
  key_id: string;
  /** The tenant's 32-byte data key, the 12-byte nonce and the AAD (`artifact|tenant|client`). */
  key: Uint8Array<ArrayBuffer>;
  nonce: Uint8Array<ArrayBuffer>;
  aad: string;
  /** Ciphertext ‖ 16-byte GCM tag: what the content endpoint serves. */
  ciphertext: Uint8Array<ArrayBuffer>;
  created_at: string;
}

/** The mock's clock and knobs. */
export interface TenSafeMockWorld {
  seed: number;
  speed: number;
  artifactSize: number;
  now(): number;
}

/** Everything the TenSafe mock holds; inspect it in tests (`mock.state`). */
export class TenSafeMockState {
  readonly trainingClients = new Map<string, TenSafeMockTrainingClient>();
  readonly futures = new Map<string, TenSafeMockFuture>();
  readonly artifacts = new Map<string, TenSafeMockArtifact>();
  /** The audit log, one hash chain across tenants, in insertion order (as the server keeps it). */
  readonly auditLog: AuditLogEntry[] = [];
  /** Answers replayed for a repeated `Idempotency-Key`, per tenant (the server ignores the key; the mock honours it). */
  readonly replay = new IdempotencyReplay();
  /** Resolves once the seeded data (whose checkpoint is encrypted asynchronously) is in place. */
  ready: Promise<void> = Promise.resolve();
  readonly #random: () => number;
  readonly #world: TenSafeMockWorld;

  constructor(world: TenSafeMockWorld) {
    this.#world = world;
    this.#random = seededRandom(world.seed);
  }

  /** A fresh `<prefix>-<uuid>` id drawn from the seed. */
  id(prefix: string): string {
    return `${prefix}-${seededUuid(this.#random)}`;
  }

  /** A naive ISO timestamp (no offset), as the server's `datetime.utcnow().isoformat()` writes it. */
  timestamp(milliseconds = this.#world.now()): string {
    return `${new Date(milliseconds).toISOString().slice(0, 23)}000`;
  }

  /** The tenant's data-encryption key and its id (`dek-<16 hex>`), derived from the seed. */
  dataKey(tenantId: string): { keyId: string; key: Uint8Array<ArrayBuffer> } {
    const hex = sha256Hex(`tensafe-mock-dek|${this.#world.seed}|${tenantId}`);
    return { keyId: `dek-${sha256Hex(hex).slice(0, 16)}`, key: hexBytes(hex) as Uint8Array<ArrayBuffer> };
  }

  /**
   * A training client of `tenantId`. Its config is echoed with every default filled in, as the
   * server's models dump it; a DP client reports `dp_metrics` from the start (its accountant exists).
   */
  createTrainingClient(tenantId: string, config: Schemas['TrainingConfig'], at = this.#world.now()): TenSafeMockTrainingClient {
    const echo = {
      model_ref: config.model_ref,
      lora_config: config.lora_config ? { ...LORA_DEFAULTS, ...config.lora_config } : null,
      optimizer: { ...OPTIMIZER_DEFAULTS, ...config.optimizer },
      dp_config: config.dp_config ? { ...DP_DEFAULTS, ...config.dp_config } : null,
      batch_size: config.batch_size ?? 8,
      gradient_accumulation_steps: config.gradient_accumulation_steps ?? 1,
      max_steps: config.max_steps ?? null,
      metadata: config.metadata ?? {},
    };
    const dp = echo.dp_config?.enabled ? { total_epsilon: 0, delta: echo.dp_config.target_delta ?? 1e-5, num_steps: 0 } : null;
    const client: TenSafeMockTrainingClient = {
      info: {
        training_client_id: this.id('tc'),
        tenant_id: tenantId,
        model_ref: config.model_ref,
        status: 'ready',
        step: 0,
        created_at: this.timestamp(at),
        config: echo,
        dp_metrics: dp,
      },
      epsilon: 0,
    };
    this.trainingClients.set(client.info.training_client_id, client);
    this.audit(tenantId, client.info.training_client_id, 'create_training_client', echo, { at });
    return client;
  }

  /** Delete a training client (the documented route the server lacks): its unfinished futures are cancelled. */
  deleteTrainingClient(client: TenSafeMockTrainingClient): void {
    const id = client.info.training_client_id;
    this.trainingClients.delete(id);
    for (const future of this.futures.values()) {
      if (future.response.training_client_id === id) this.cancel(future);
    }
    this.audit(client.info.tenant_id, id, 'delete_training_client', {});
  }

  /** Sample from the client's current weights, at once, as the server's mock orchestrator does (and audit it). */
  sample(client: TenSafeMockTrainingClient, request: Schemas['SampleRequest']): Schemas['SampleResult'] {
    const config = {
      max_tokens: request.max_tokens ?? 128,
      temperature: request.temperature ?? 0.7,
      top_p: request.top_p ?? 0.9,
      top_k: request.top_k ?? 50,
      stop_sequences: request.stop_sequences ?? [],
    };
    const tokens = Math.min(10, config.max_tokens);
    const samples = request.prompts.map((prompt) => ({
      prompt,
      completion: ` [Generated response at step ${client.info.step}]`,
      tokens_generated: tokens,
      finish_reason: tokens < config.max_tokens ? ('stop' as const) : ('length' as const),
    }));
    this.audit(client.info.tenant_id, client.info.training_client_id, 'sample', { prompts: request.prompts, ...config });
    return { samples, model_step: client.info.step, sampling_config: config };
  }

  /** Queue an operation; it runs when a poll finds it due (see {@link TenSafeMockState.advance}). */
  submit(
    client: TenSafeMockTrainingClient,
    operation: 'forward_backward' | 'optim_step',
    request: Record<string, unknown>,
  ): TenSafeMockFuture {
    const now = this.#world.now();
    const future: TenSafeMockFuture = {
      response: {
        future_id: this.id('fut'),
        status: 'pending',
        created_at: this.timestamp(now),
        training_client_id: client.info.training_client_id,
        operation,
        started_at: null,
        completed_at: null,
      },
      tenantId: client.info.tenant_id,
      polls: 0,
      createdAt: now,
      request,
      payload:
        operation === 'forward_backward'
          ? { batch: { labels: null, ...(request.batch as object) }, dp_config: client.info.config.dp_config ?? null }
          : { apply_dp_noise: request.apply_dp_noise ?? true, dp_config: client.info.config.dp_config ?? null },
      result: null,
      error: null,
    };
    this.futures.set(future.response.future_id, future);
    client.info.status = 'busy';
    return future;
  }

  /**
   * One poll of `future`: the first makes it `running`, the `pollsUntilDone`-th (or, scaled by
   * `speed`, 1.5 s of wall clock per remaining poll) runs the operation.
   */
  advance(future: TenSafeMockFuture, pollsUntilDone: number): void {
    const { response } = future;
    if (response.status !== 'pending' && response.status !== 'running') return;
    future.polls += 1;
    const elapsed = (this.#world.now() - future.createdAt) * this.#world.speed;
    if (future.polls < pollsUntilDone && elapsed < 1500 * pollsUntilDone) {
      response.status = 'running';
      response.started_at ??= this.timestamp();
      return;
    }
    response.started_at ??= this.timestamp();
    this.#run(future);
    response.completed_at = this.timestamp();
    const client = this.trainingClients.get(response.training_client_id);
    if (client && client.info.status === 'busy' && !this.#hasWork(client.info.training_client_id)) client.info.status = 'ready';
  }

  cancel(future: TenSafeMockFuture): boolean {
    const { response } = future;
    if (response.status !== 'pending' && response.status !== 'running') return false;
    response.status = 'cancelled';
    response.completed_at = this.timestamp();
    const client = this.trainingClients.get(response.training_client_id);
    if (client && client.info.status === 'busy' && !this.#hasWork(client.info.training_client_id)) client.info.status = 'ready';
    return true;
  }

  /** Futures of the tenant still waiting or running (what a queue capacity counts). */
  queued(tenantId: string): number {
    let count = 0;
    for (const future of this.futures.values()) {
      if (future.tenantId === tenantId && (future.response.status === 'pending' || future.response.status === 'running')) count++;
    }
    return count;
  }

  /** Save the client's state: deterministic plaintext, its sha256, AES-256-GCM with the tenant key. */
  async saveState(
    client: TenSafeMockTrainingClient,
    request: Schemas['SaveStateRequest'],
    at = this.#world.now(),
  ): Promise<TenSafeMockArtifact> {
    const { info } = client;
    const artifactId = this.id('art');
    const step = info.step;
    const { keyId, key } = this.dataKey(info.tenant_id);
    const nonce = hexBytes(sha256Hex(`nonce|${this.#world.seed}|${artifactId}`).slice(0, 24)) as Uint8Array<ArrayBuffer>;
    const aad = `${artifactId}|${info.tenant_id}|${info.training_client_id}`;
    const plaintext = checkpointBytes(`${this.#world.seed}|${artifactId}|${step}`, this.#world.artifactSize);
    const [hash, ciphertext] = await Promise.all([contentHash(plaintext), encryptArtifact(key, nonce, aad, plaintext)]);
    const artifact: TenSafeMockArtifact = {
      artifact_id: artifactId,
      tenant_id: info.tenant_id,
      training_client_id: info.training_client_id,
      step,
      size_bytes: plaintext.byteLength,
      content_hash: hash,
      key_id: keyId,
      key,
      nonce,
      aad,
      ciphertext,
      created_at: this.timestamp(at),
    };
    this.artifacts.set(artifactId, artifact);
    this.audit(info.tenant_id, info.training_client_id, 'save_state', request, {
      at,
      produced: [artifactId],
      dp: client.info.dp_metrics ?? undefined,
    });
    return artifact;
  }

  /**
   * The entry the server writes when a finished future's result is read (`GET .../result`, every
   * read): the only place its forward_backward and optim_step entries are made. Nothing for a
   * future that has not finished.
   */
  auditResult(future: TenSafeMockFuture): AuditLogEntry | undefined {
    const { response } = future;
    if (response.status !== 'completed' && response.status !== 'failed') return undefined;
    const dp = (future.result as { dp_metrics?: Record<string, unknown> } | null)?.dp_metrics;
    const completed = response.completed_at ? timeOf(response.completed_at) : this.#world.now();
    return this.audit(future.tenantId, response.training_client_id, response.operation, future.payload, {
      at: response.started_at ? timeOf(response.started_at) : this.#world.now(),
      completedAt: completed,
      success: response.status === 'completed',
      errorMessage: future.error,
      dp,
    });
  }

  /** Append a hash-chained entry, as the server's `AuditLogger` does. */
  audit(
    tenantId: string,
    trainingClientId: string,
    operation: string,
    request: unknown,
    extra: {
      at?: number;
      completedAt?: number;
      success?: boolean;
      errorMessage?: string | null;
      produced?: string[];
      consumed?: string[];
      dp?: Record<string, unknown> | undefined;
    } = {},
  ): AuditLogEntry {
    const started = extra.at ?? this.#world.now();
    const completed = extra.completedAt ?? started;
    const canonical = canonicalJson(request ?? {});
    const success = extra.success ?? true;
    const entry: AuditLogEntry = {
      entry_id: this.id('aud'),
      tenant_id: tenantId,
      training_client_id: trainingClientId,
      operation,
      request_hash: `sha256:${sha256Hex(canonical)}`,
      request_size_bytes: new TextEncoder().encode(canonical).byteLength,
      artifact_ids_produced: extra.produced ?? [],
      artifact_ids_consumed: extra.consumed ?? [],
      started_at: this.timestamp(started),
      completed_at: this.timestamp(completed),
      duration_ms: Math.max(0, Math.round(completed - started)),
      success,
      // The server's routes never pass an error code, only the future's error message.
      error_code: null,
      error_message: extra.errorMessage ?? null,
      prev_hash: this.auditLog.at(-1)?.record_hash ?? GENESIS_HASH,
      record_hash: '',
      dp_metrics: extra.dp ?? null,
    };
    entry.record_hash = auditRecordHash(entry);
    this.auditLog.push(entry);
    return entry;
  }

  #hasWork(trainingClientId: string): boolean {
    for (const future of this.futures.values()) {
      const { status, training_client_id } = future.response;
      if (training_client_id === trainingClientId && (status === 'pending' || status === 'running')) return true;
    }
    return false;
  }

  /** Run the job (the server's worker); a future whose client was deleted fails. */
  #run(future: TenSafeMockFuture): void {
    const { response } = future;
    const client = this.trainingClients.get(response.training_client_id);
    const operation = response.operation as 'forward_backward' | 'optim_step';
    const outcome = client
      ? runJob(client, operation, future.request, this.#random)
      : { error: `TRAINING_CLIENT_NOT_FOUND: training client ${response.training_client_id} was deleted` };
    if ('result' in outcome) {
      response.status = 'completed';
      future.result = outcome.result;
    } else {
      response.status = 'failed';
      future.error = outcome.error;
    }
  }
}

/** Milliseconds of one of the mock's naive UTC timestamps. */
function timeOf(timestamp: string): number {
  return Date.parse(`${timestamp}Z`);
}
