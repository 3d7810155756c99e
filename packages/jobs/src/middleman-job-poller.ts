import {
  APIUserAbortError,
  announceWait,
  isTransientPollError,
  type Logger,
  type RetryWait,
  sleep,
  waitAfterFailure,
} from '@trainwire/core';
import { JobPollingError, JobTimeoutError } from './middleman-errors.js';
import type { JobDetail } from './middleman-job.js';

/** How `waitForJob` and `streamJobStatus` poll. */
export interface PollJobOptions {
  /** Milliseconds between polls. @default 10000 for waitForJob, 5000 for streamJobStatus */
  pollInterval?: number | undefined;
  /** Give up with `JobTimeoutError` after this many milliseconds (the job goes on). @default no limit */
  timeout?: number | undefined;
  /** Stop polling with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Failed polls in a row (the service down, 5xx, 429 ...) after which polling stops with a
   * `JobPollingError` naming the last failure. @default 10
   */
  maxFailures?: number | undefined;
}

/** Failed polls in a row before `waitForJob` gives up: backoff from the poll interval to 30 s, about 2.5 minutes at 1 s. */
const DEFAULT_MAX_FAILURES = 10;
/** Longest backoff after failed polls in a row (a longer poll interval is kept). */
const MAX_BACKOFF = 30_000;

/**
 * Poll `fetchJob` and yield every state until a terminal one (which is yielded too). A transient
 * failure (core's one list: connection errors, timeouts, 408, 429, 5xx but 501) is waited out, as
 * long as the server's `Retry-After` asks (at most 60 s) or with backoff from the poll interval;
 * `maxFailures` of them in a row end the loop with `JobPollingError`. Anything else ends it at once.
 */
export async function* pollJob(
  jobId: string,
  fetchJob: (signal: AbortSignal) => Promise<JobDetail>,
  options: PollJobOptions & { pollInterval: number; logger?: Logger | undefined; onWait?: ((wait: RetryWait) => void) | undefined },
): AsyncGenerator<JobDetail, void, undefined> {
  const { pollInterval, timeout, signal, maxFailures = DEFAULT_MAX_FAILURES } = options;
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
        failures += 1;
        if (failures >= maxFailures) throw new JobPollingError({ jobId, failures, cause: error, lastStatus });
        const backoff = { initial: pollInterval, max: Math.max(pollInterval, MAX_BACKOFF) };
        const waiting = waitAfterFailure(error, failures, { target: `job ${jobId}`, maxAttempts: maxFailures, backoff });
        announceWait(waiting, options.logger, options.onWait);
        wait = waiting.delay;
      }
      await sleep(wait, stop).catch((error: unknown) => {
        throw interrupted(error);
      });
    }
  } finally {
    clearTimeout(timer);
  }
}

/** `AbortSignal.any([signal, controller.signal])`, also where the runtime lacks `AbortSignal.any`. */
function anySignal(signal: AbortSignal, controller: AbortController): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, controller.signal]);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}
