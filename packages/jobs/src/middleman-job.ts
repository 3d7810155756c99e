import type { components } from './generated/jobs.js';

type Schemas = components['schemas'];

/** Where a job is in its life: `queued → provisioning → running → completed`, with pauses and ends. */
export type JobStatus = Schemas['JobStatus'];
/** The GPU a job runs on. */
export type GpuType = Schemas['GpuType'];
/** The ML framework of the training script. */
export type Framework = Schemas['Framework'];
/** A job as listed, with `is_terminal` added by the client. */
export type Job = Schemas['Job'] & { readonly is_terminal: boolean };
/** A job with its detail fields, with `is_terminal` added by the client. */
export type JobDetail = Schemas['JobDetail'] & { readonly is_terminal: boolean };

/** The GPU types, with their VRAM (GB) and price (credits per GPU-hour), as documented. */
export const GPU_TYPES = {
  t4: { vram_gb: 16, credits_per_hour: 10 },
  v100: { vram_gb: 32, credits_per_hour: 25 },
  a100: { vram_gb: 80, credits_per_hour: 50 },
} as const satisfies Record<GpuType, { vram_gb: number; credits_per_hour: number }>;

/** The frameworks a job can use. */
export const FRAMEWORKS: readonly Framework[] = ['pytorch', 'tensorflow', 'jax'];

/** Every job status. */
export const JOB_STATUSES: readonly JobStatus[] = [
  'queued',
  'provisioning',
  'running',
  'paused',
  'resuming',
  'checkpointing',
  'completed',
  'cancelled',
  'failed',
];

/** The statuses a job never leaves. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>(['completed', 'cancelled', 'failed']);

/** The job as the wire carried it, plus `is_terminal`. */
export function withTerminal<Wire extends { status: JobStatus }>(job: Wire): Wire & { readonly is_terminal: boolean } {
  return { ...job, is_terminal: TERMINAL_JOB_STATUSES.has(job.status) };
}
