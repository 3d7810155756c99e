import { seededRandom } from '@trainwire/core';
import { detail, IdempotencyReplay, RequestIds, seededToken, seededUuid } from '@trainwire/core/mock-kit';
import type { components } from '../generated/jobs.js';

type Schemas = components['schemas'];
type JobDetail = Schemas['JobDetail'];
type Transaction = Schemas['Transaction'];

/** Credits per GPU-hour, as documented. */
const CREDITS_PER_HOUR: Record<Schemas['GpuType'], number> = { t4: 10, v100: 25, a100: 50 };
/** A job that runs to completion uses this share of its `max_runtime_hours` (the rest is refunded). */
const USED_SHARE = 0.8;

/** One job in the mock, with what the wire never shows (its environment values, its clock). */
export interface MockJob {
  job: JobDetail;
  /** Environment variable values: kept, never returned. */
  environment: Record<string, string>;
  estimated: number;
  logs: Schemas['LogEntry'][];
  /** Every loss reported so far, oldest first. */
  loss_history: number[];
  /** The epoch at which the job fails (a script path containing `fail` fails at epoch 2). */
  failAtEpoch: number | undefined;
  /** When wall-clock time was last turned into steps. */
  lastAdvance: number;
  /** Whether the job advances with the clock; seeded jobs advance only when polled, so every state stays on show. */
  wallClock: boolean;
}

/** An API key the mock accepts (or has revoked). */
export interface MockApiKey {
  info: Schemas['ApiKey'];
  key: string;
  revoked: boolean;
}

/** A file PUT to a presigned URL. */
export interface MockUpload {
  blob_path: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  job_id: string | null;
  /** Bytes received (undefined until the PUT arrives). */
  received: number | undefined;
  /** The bytes, kept when at most 1 MiB. */
  data: Uint8Array | undefined;
  /** The headers of the PUT (to check that no API key was sent). */
  headers: Record<string, string> | undefined;
}

/** Options of the mock's state. */
export interface MiddlemanStateOptions {
  seed: number;
  speed: number;
  epochs: number;
  stepMs: number;
  apiKey: string;
}

/** Everything the Middleman mock knows, open for tests to inspect and change. */
export class MiddlemanMockState {
  readonly jobs = new Map<string, MockJob>();
  readonly account = { balance: 0, reserved: 0, expires_at: '2027-12-31T00:00:00.000Z' as string | null };
  /** Oldest first. */
  readonly transactions: Transaction[] = [];
  readonly apiKeys: MockApiKey[] = [];
  readonly uploads = new Map<string, MockUpload>();
  readonly webhooks = new Map<string, { webhook: Schemas['Webhook']; secret: string; deliveries: Schemas['WebhookDelivery'][] }>();
  /** Answers kept by `Idempotency-Key`; a key reused for another request is a 422. */
  readonly replay = new IdempotencyReplay({
    conflict: () => detail(422, 'Idempotency-Key was already used for a different request'),
    replayedHeader: 'Idempotent-Replayed',
  });
  readonly packages: Schemas['CreditPackage'][] = [
    { name: 'Starter', credits: 1_000, price_cents: 1_000, price_dollars: 10 },
    { name: 'Pro', credits: 10_000, price_cents: 9_000, price_dollars: 90 },
    { name: 'Team', credits: 50_000, price_cents: 40_000, price_dollars: 400 },
    { name: 'Enterprise', credits: 250_000, price_cents: 175_000, price_dollars: 1_750 },
  ];
  readonly random: () => number;
  /** The `x-request-id` of every answer, deterministic under the seed. */
  readonly requestIds: RequestIds;
  readonly options: MiddlemanStateOptions;
  #clock = Date.UTC(2026, 9, 1, 8);

  constructor(options: MiddlemanStateOptions) {
    this.options = options;
    this.random = seededRandom(options.seed);
    this.requestIds = new RequestIds({ seed: options.seed });
    this.addApiKey({ name: 'Default', scopes: ['read', 'write', 'admin'], key: options.apiKey, expires_in_days: null });
    this.record(50_000, 'purchase', 'Team package');
    this.record(5_000, 'bonus', 'Welcome bonus');
    seedJobs(this);
  }

  /** A timestamp: a seeded clock for seeded data, the real time afterwards. */
  now(stepMinutes = 0): string {
    if (stepMinutes > 0) this.#clock += stepMinutes * 60_000;
    return new Date(stepMinutes > 0 ? this.#clock : Date.now()).toISOString();
  }

  get available(): number {
    return this.account.balance - this.account.reserved;
  }

  /** Add a transaction and apply it to the balance (reservations move credits to `reserved`). */
  record(amount: number, type: Transaction['type'], description: string, jobId: string | null = null, at?: string): void {
    this.transactions.push({
      id: seededUuid(this.random),
      amount,
      type,
      description,
      job_id: jobId,
      created_at: at ?? this.now(),
    });
    // A reservation holds credits (reserved grows); anything else changes the balance itself.
    if (type === 'reservation') this.account.reserved -= amount;
    else this.account.balance += amount;
  }

  addApiKey(init: { name: string; scopes: Schemas['ApiKeyScope'][]; key?: string; expires_in_days: number | null }): MockApiKey {
    const key = init.key ?? `mdlm_${seededToken(this.random, 32)}`;
    const created = this.now();
    const entry: MockApiKey = {
      key,
      revoked: false,
      info: {
        id: seededUuid(this.random),
        name: init.name,
        key_prefix: key.slice(0, 9),
        scopes: init.scopes,
        created_at: created,
        last_used_at: null,
        expires_at: init.expires_in_days === null ? null : new Date(Date.parse(created) + init.expires_in_days * 86_400_000).toISOString(),
      },
    };
    this.apiKeys.push(entry);
    return entry;
  }

  /** Queue a job: reserve its estimated cost and give it a place in the queue. */
  createJob(body: Schemas['JobCreateRequest'], at?: string): MockJob {
    const gpuType = body.gpu_type ?? 't4';
    const gpuCount = body.gpu_count ?? 1;
    const hours = body.max_runtime_hours ?? 4;
    const estimated = CREDITS_PER_HOUR[gpuType] * gpuCount * hours;
    const queued = [...this.jobs.values()].filter((entry) => entry.job.status === 'queued').length;
    const id = seededUuid(this.random);
    const created = at ?? this.now();
    const entry: MockJob = {
      environment: { ...body.environment_variables },
      estimated,
      logs: [],
      loss_history: [],
      failAtEpoch: /fail/i.test(body.script_path) ? 2 : undefined,
      lastAdvance: Date.now(),
      wallClock: at === undefined,
      job: {
        id,
        name: body.name ?? null,
        status: 'queued',
        gpu_type: gpuType,
        gpu_count: gpuCount,
        framework: body.framework ?? 'pytorch',
        script_path: body.script_path,
        input_data_path: body.input_data_path,
        current_epoch: 0,
        total_epochs: this.options.epochs,
        current_loss: null,
        actual_cost: 0,
        reserved_credits: estimated,
        created_at: created,
        started_at: null,
        completed_at: null,
        queue_position: queued + 1,
        requirements_file: body.requirements_file ?? null,
        checkpoint_frequency: body.checkpoint_frequency ?? 10,
        max_runtime_hours: hours,
        environment_variable_names: Object.keys(body.environment_variables ?? {}),
        error_message: null,
      },
    };
    this.jobs.set(id, entry);
    this.record(-estimated, 'reservation', `Reserved for job ${id.slice(0, 8)}`, id, created);
    this.log(entry, 'INFO', `Job queued: ${gpuCount}× ${gpuType}, ${entry.job.framework}, up to ${hours} h`, created);
    return entry;
  }

  log(entry: MockJob, level: Schemas['LogEntry']['level'], message: string, at?: string): void {
    entry.logs.push({ timestamp: at ?? this.now(), level, message });
  }

  /** Turn the wall-clock time since the last look (× speed) plus `steps` into progress. */
  advance(entry: MockJob, steps = 0): void {
    const { speed, stepMs } = this.options;
    const now = Date.now();
    const wallSteps = speed > 0 && entry.wallClock ? Math.floor(((now - entry.lastAdvance) * speed) / stepMs) : 0;
    if (wallSteps > 0 || speed <= 0) entry.lastAdvance = speed > 0 ? entry.lastAdvance + (wallSteps * stepMs) / speed : now;
    for (let index = 0; index < steps + wallSteps; index++) this.step(entry);
  }

  /** One step of a job's life. Paused and finished jobs stay where they are. */
  step(entry: MockJob, at?: string): void {
    const job = entry.job;
    switch (job.status) {
      case 'queued':
        job.status = 'provisioning';
        job.queue_position = null;
        for (const other of this.jobs.values()) {
          if (other.job.status === 'queued' && (other.job.queue_position ?? 0) > 1)
            other.job.queue_position = (other.job.queue_position ?? 1) - 1;
        }
        this.log(entry, 'INFO', `Provisioning ${job.gpu_count}× ${job.gpu_type}`, at);
        return;
      case 'provisioning':
        job.status = 'running';
        job.started_at = at ?? this.now();
        this.log(entry, 'INFO', `Training started (${job.framework})`, at);
        return;
      case 'checkpointing':
        job.status = 'running';
        this.log(entry, 'INFO', `Checkpoint saved at epoch ${job.current_epoch}`, at);
        return;
      case 'resuming':
        job.status = 'running';
        this.log(entry, 'INFO', `Resumed from checkpoint at epoch ${job.current_epoch}`, at);
        return;
      case 'running':
        this.runEpoch(entry, at);
        return;
      default:
        return;
    }
  }

  private runEpoch(entry: MockJob, at?: string): void {
    const job = entry.job;
    const total = job.total_epochs ?? this.options.epochs;
    job.current_epoch += 1;
    const noise = (this.random() - 0.5) * 0.04;
    const loss = Math.round((0.15 + 2.2 * Math.exp(-job.current_epoch / (total / 3)) + noise) * 10_000) / 10_000;
    job.current_loss = loss;
    entry.loss_history.push(loss);
    const perEpoch = (entry.estimated * USED_SHARE) / total;
    job.actual_cost = Math.round(perEpoch * job.current_epoch);
    this.log(entry, 'INFO', `Epoch ${job.current_epoch}/${total} loss=${loss.toFixed(4)}`, at);
    if (entry.failAtEpoch === job.current_epoch) {
      job.error_message = 'Training script exited with code 1: RuntimeError: CUDA out of memory';
      this.log(entry, 'ERROR', job.error_message, at);
      this.settle(entry, 'failed', at);
    } else if (job.current_epoch >= total) {
      this.log(entry, 'INFO', 'Training complete; outputs written to outputs/', at);
      this.settle(entry, 'completed', at);
    } else if (job.current_epoch % (job.checkpoint_frequency ?? 10) === 0) {
      job.status = 'checkpointing';
      this.log(entry, 'INFO', `Checkpointing at epoch ${job.current_epoch}`, at);
    }
  }

  /** End a job: charge what it used, release the reservation, refund the rest. Returns the refund. */
  settle(entry: MockJob, status: 'completed' | 'failed' | 'cancelled', at?: string): number {
    const job = entry.job;
    const refund = entry.estimated - job.actual_cost;
    job.status = status;
    job.completed_at = at ?? this.now();
    job.queue_position = null;
    job.reserved_credits = 0;
    // The reservation went out as one negative transaction; what was not used comes back.
    this.account.reserved -= entry.estimated;
    this.account.balance -= job.actual_cost;
    this.transactions.push({
      id: seededUuid(this.random),
      amount: refund,
      type: 'refund',
      description: `Unused credits of job ${job.id.slice(0, 8)} (${status})`,
      job_id: job.id,
      created_at: job.completed_at,
    });
    return refund;
  }
}

interface SeedJob {
  name: string;
  status: Schemas['JobStatus'];
  gpu: Schemas['GpuType'];
  count: number;
  framework: Schemas['Framework'];
  epochs: number;
  steps: number;
}

const SEED_JOBS: SeedJob[] = [
  { name: 'resnet50-imagenet', status: 'completed', gpu: 'a100', count: 4, framework: 'pytorch', epochs: 12, steps: 99 },
  { name: 'bert-base-finetune', status: 'completed', gpu: 'v100', count: 2, framework: 'tensorflow', epochs: 8, steps: 99 },
  { name: 'gpt-small-pretrain', status: 'failed', gpu: 't4', count: 1, framework: 'jax', epochs: 10, steps: 4 },
  { name: 'unet-segmentation', status: 'cancelled', gpu: 'v100', count: 1, framework: 'pytorch', epochs: 10, steps: 5 },
  { name: 'vit-base-cifar', status: 'paused', gpu: 'v100', count: 4, framework: 'pytorch', epochs: 15, steps: 9 },
  { name: 'whisper-small-asr', status: 'resuming', gpu: 'a100', count: 2, framework: 'pytorch', epochs: 10, steps: 6 },
  { name: 'llama-7b-lora', status: 'checkpointing', gpu: 'a100', count: 8, framework: 'pytorch', epochs: 20, steps: 11 },
  { name: 'diffusion-xl', status: 'running', gpu: 'a100', count: 4, framework: 'jax', epochs: 20, steps: 6 },
  { name: 'tabular-xgb-sweep', status: 'provisioning', gpu: 't4', count: 1, framework: 'tensorflow', epochs: 10, steps: 1 },
  { name: 'mnist-baseline', status: 'queued', gpu: 't4', count: 1, framework: 'pytorch', epochs: 10, steps: 0 },
];

/** One job in each status, oldest first, with consistent costs, logs and transactions. */
function seedJobs(state: MiddlemanMockState): void {
  for (const seed of SEED_JOBS) {
    const at = state.now(37);
    const entry = state.createJob(
      {
        name: seed.name,
        script_path: `/scripts/${seed.name}/train.py`,
        input_data_path: `/data/${seed.name}`,
        gpu_type: seed.gpu,
        gpu_count: seed.count,
        framework: seed.framework,
        checkpoint_frequency: seed.status === 'checkpointing' ? 4 : 10,
        max_runtime_hours: 4,
      },
      at,
    );
    entry.job.total_epochs = seed.epochs;
    for (let index = 0; index < seed.steps && !TERMINAL.has(entry.job.status); index++) {
      if (seed.status === 'failed' && entry.job.status === 'running' && entry.job.current_epoch === seed.steps - 3)
        entry.failAtEpoch = entry.job.current_epoch + 1;
      state.step(entry, state.now(3));
    }
    if (seed.status === 'cancelled') state.settle(entry, 'cancelled', state.now(1));
    if (seed.status === 'paused' || seed.status === 'resuming') {
      entry.job.status = seed.status;
      state.log(entry, 'INFO', seed.status === 'paused' ? 'Paused by user' : 'Resuming', state.now(1));
    }
  }
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
