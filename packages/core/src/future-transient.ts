import { APIConnectionError, APIError, InternalServerError, RateLimitError } from './errors.js';

/**
 * The default `isTransient` of a {@link Future}: connection errors, 408, 429 and 5xx keep the
 * future polling; anything else (a 400, a 404, an `APIUserAbortError`) rejects it.
 */
export function isTransientPollError(error: unknown): boolean {
  if (error instanceof APIConnectionError || error instanceof RateLimitError || error instanceof InternalServerError) return true;
  return error instanceof APIError && (error.status === 408 || error.status === 429 || error.status >= 500);
}

/**
 * How long to wait before polling again after the `failures`-th transient error in a row (0 for the
 * first): a 429's `Retry-After` when it sent one, else `min(2^failures s, 30 s)` like Tinker's client.
 */
export function transientPollDelay(error: unknown, failures: number): number {
  if (error instanceof RateLimitError && error.retryAfter !== undefined) return error.retryAfter;
  return Math.min(2 ** failures * 1000, 30_000);
}

/** A 408 from a long poll means "nothing yet, ask again": re-poll at once, without backoff. */
export function isRepollNow(error: unknown): boolean {
  return error instanceof APIError && error.status === 408;
}
