import { APIUserAbortError, isTransientPollError, RateLimitError, sleep } from '@trainwire/core';
import { JobTimeoutError } from './middleman-errors.js';
import type { JobDetail } from './middleman-job.js';

/** How `waitForJob` and `streamJobStatus` poll. */
export interface PollJobOptions {
  /** Milliseconds between polls. @default 10000 for waitForJob, 5000 for streamJobStatus */
  pollInterval?: number | undefined;
  /** Give up with `JobTimeoutError` after this many milliseconds (the job goes on). @default no limit */
  timeout?: number | undefined;
  /** Stop polling with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
}

/** Longest wait after transient errors in a row (like the other trainwire clients). */
const MAX_BACKOFF = 30_000;

/**
 * Poll `fetchJob` and yield every state until a terminal one (which is yielded too). Connection
 * errors, 408, 429 and 5xx are waited out with backoff; anything else ends the loop.
 */
export async function* pollJob(
  jobId: string,
  fetchJob: (signal: AbortSignal) => Promise<JobDetail>,
  options: PollJobOptions & { pollInterval: number },
): AsyncGenerator<JobDetail, void, undefined> {
  const { pollInterval, timeout, signal } = options;
  const deadline = new AbortController();
  const timer = timeout === undefined ? undefined : setTimeout(() => deadline.abort(new Error('deadline')), timeout);
  const stop = signal ? anySignal(signal, deadline) : deadline.signal;
  let lastStatus: string | undefined;
  let failures = 0;
  const interrupted = (cause?: unknown) => {
    if (signal?.aborted) return new APIUserAbortError({ cause: signal.reason });
    if (deadline.signal.aborted) return new JobTimeoutError({ jobId, timeout: timeout ?? 0, lastStatus });
    return cause;
  };
  try {
    while (true) {
      if (stop.aborted) throw interrupted();
      let wait = pollInterval;
      try {
        const job = await fetchJob(stop);
        failures = 0;
        lastStatus = job.status;
        yield job;
        if (job.is_terminal) return;
      } catch (error) {
        if (stop.aborted) throw interrupted(error);
        if (!isTransientPollError(error)) throw error;
        wait = transientDelay(error, pollInterval, failures++);
      }
      await sleep(wait, stop).catch((error: unknown) => {
        throw interrupted(error);
      });
    }
  } finally {
    clearTimeout(timer);
  }
}

/** A 429's `Retry-After` when it sent one, else the poll interval doubled per failure in a row. */
function transientDelay(error: unknown, pollInterval: number, failures: number): number {
  if (error instanceof RateLimitError && error.retryAfter !== undefined) return error.retryAfter;
  return Math.min(pollInterval * 2 ** failures, Math.max(pollInterval, MAX_BACKOFF));
}

/** `AbortSignal.any([signal, controller.signal])`, also where the runtime lacks `AbortSignal.any`. */
function anySignal(signal: AbortSignal, controller: AbortController): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, controller.signal]);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}
