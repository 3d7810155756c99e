import type { Output, Style } from '@trainwire/cli-kit';
import { UsageError } from '@trainwire/cli-kit';
import type { MiddlemanClient } from '../middleman-client.js';
import type { Job, JobStatus } from '../middleman-job.js';

/** `1234567` → `1,234,567`. */
export function credits(value: number): string {
  return value.toLocaleString('en-US');
}

const STATUS_STYLES: Record<JobStatus, Style> = {
  queued: 'dim',
  provisioning: 'cyan',
  running: 'green',
  paused: 'yellow',
  resuming: 'cyan',
  checkpointing: 'blue',
  completed: 'green bold',
  cancelled: 'dim',
  failed: 'red',
};

const STATUS_SYMBOLS: Record<JobStatus, string> = {
  queued: '⏳',
  provisioning: '🔧',
  running: '🏃',
  paused: '⏸',
  resuming: '▶',
  checkpointing: '💾',
  completed: '✅',
  cancelled: '🚫',
  failed: '❌',
};

/** The status in its colour. */
export function paintStatus(out: Output, status: JobStatus): string {
  return out.paint(STATUS_STYLES[status] ?? 'bold', status);
}

/** The status's symbol (a TTY only; plain output stays ASCII-friendly). */
export function statusSymbol(out: Output, status: JobStatus): string {
  return out.isTTY ? `${STATUS_SYMBOLS[status] ?? '?'} ` : '';
}

/** `epoch/total`, or `-` before the first epoch. */
export function epochText(job: Pick<Job, 'current_epoch' | 'total_epochs'>): string {
  return job.current_epoch ? `${job.current_epoch}/${job.total_epochs ?? '?'}` : '-';
}

/** The row of `jobs list`. */
export function jobRow(out: Output, job: Job): string[] {
  return [
    out.paint('cyan', job.id.slice(0, 8)),
    job.name ?? '-',
    paintStatus(out, job.status),
    out.paint('magenta', `${job.gpu_type}×${job.gpu_count}`),
    epochText(job),
    credits(job.actual_cost),
  ];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A full job id from a full id or a unique prefix (the CLI prints 8-character prefixes). */
export async function resolveJobId(client: MiddlemanClient, id: string, signal?: AbortSignal): Promise<string> {
  if (UUID.test(id) || id.length < 4) return id;
  const matches: string[] = [];
  for await (const job of client.listJobs({ limit: 100 }, { signal })) {
    if (job.id === id) return id;
    if (job.id.startsWith(id)) matches.push(job.id);
  }
  if (matches.length > 1)
    throw new UsageError(
      `Job id prefix ${id} is ambiguous (${matches.map((match) => match.slice(0, 12)).join(', ')}); give more characters.`,
    );
  return matches[0] ?? id;
}
