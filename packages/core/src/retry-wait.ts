import { APIError } from './api-error.js';
import { type BackoffOptions, retryWait } from './backoff.js';
import { errorCode } from './connection-error.js';
import type { Logger } from './logger.js';

/**
 * A wait before trying again after a transient failure: what a call reports to its `onWait`, a
 * future to its `onProgress` listeners, and both to the logger at `info`.
 */
export interface RetryWait {
  type: 'wait';
  /** What waits: `GET https://host/path` (no query) for a call, `future <id>` for a future. */
  target: string;
  /** Milliseconds until the next try. */
  delay: number;
  /** True when the server asked for this wait (`retry-after-ms` / `Retry-After`), false for backoff. */
  retryAfter: boolean;
  /** The status of the failed answer, when one came. */
  status?: number | undefined;
  /** What failed: the status, or the error's code or message. */
  reason: string;
  /** The try that comes after the wait (2 for the first retry). */
  attempt: number;
  /** The most tries that will be made, when bounded. */
  maxAttempts?: number | undefined;
}

/** Whether a progress value is a {@link RetryWait} (futures report both their service's progress and their waits). */
export function isRetryWait(progress: unknown): progress is RetryWait {
  return typeof progress === 'object' && progress !== null && (progress as { type?: unknown }).type === 'wait';
}

/** The log line of a wait: `Retrying GET https://host/path in 30000 ms (attempt 2 of 6): 503, as the server asked (Retry-After)`. */
export function describeWait(wait: RetryWait): string {
  const of = wait.maxAttempts === undefined ? '' : ` of ${wait.maxAttempts}`;
  const asked = wait.retryAfter ? ', as the server asked (Retry-After)' : '';
  return `Retrying ${wait.target} in ${wait.delay} ms (attempt ${wait.attempt}${of}): ${wait.reason}${asked}`;
}

/**
 * The wait of a poller (a future, `waitForJob`) after failure number `failures` in a row (1 for the
 * first): what the failed answer's `Retry-After` asks (at most 60 s), else {@link retryWait}'s
 * backoff; with what failed (the status, else the error's code or message) for the report.
 */
export function waitAfterFailure(
  error: unknown,
  failures: number,
  options: { target: string; maxAttempts?: number | undefined; backoff?: BackoffOptions | undefined },
): RetryWait {
  const requested = error instanceof APIError ? error.retryAfter : undefined;
  const status = error instanceof APIError ? error.status : undefined;
  const reason = status !== undefined ? String(status) : error instanceof Error ? (errorCode(error.cause) ?? error.message) : String(error);
  return {
    type: 'wait',
    target: options.target,
    delay: retryWait(failures - 1, requested, options.backoff),
    retryAfter: requested !== undefined,
    status,
    reason,
    attempt: failures + 1,
    maxAttempts: options.maxAttempts,
  };
}

/** Tell the logger (at `info`) and `listener` about a wait; a listener that throws does not stop the retry. */
export function announceWait(wait: RetryWait, logger: Logger | undefined, listener: ((wait: RetryWait) => void) | undefined): void {
  logger?.info(describeWait(wait));
  if (!listener) return;
  try {
    listener(wait);
  } catch (error) {
    // Like EventTarget: a faulty listener is reported, and the retry goes on.
    queueMicrotask(() => {
      throw error;
    });
  }
}
