import { retryAfterFrom } from './errors.js';

/** The longest wait a server's `retry-after-ms` / `Retry-After` can impose, in milliseconds. */
export const MAX_RETRY_AFTER = 60_000;

/**
 * Milliseconds to wait before retry number `retry` (0 for the first retry). The server's
 * `retry-after-ms`, else `Retry-After` (seconds or an HTTP-date), clamped to [0, 60 s]; else
 * 0.5 s · 2^retry capped at 8 s, made up to 25 % shorter at random. Rounded up to a whole millisecond.
 */
export function retryDelay(retry: number, headers?: Headers): number {
  // About Retry-After: https://developer.mozilla.org/docs/Web/HTTP/Headers/Retry-After
  const requested = headers && retryAfterFrom(headers);
  if (requested !== undefined) return Math.ceil(Math.min(Math.max(requested, 0), MAX_RETRY_AFTER));
  const jitter = 1 - Math.random() * 0.25;
  return Math.ceil(Math.min(0.5 * 2 ** retry, 8) * jitter * 1000);
}
