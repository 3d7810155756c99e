/**
 * The longest wait a server's `retry-after-ms` / `Retry-After` can impose, in milliseconds. Every
 * wait of every retry loop, poller and upload is capped by it (through {@link retryWait}), so a
 * `Retry-After: 315360000` waits 60 s rather than overflowing a timer into a busy loop.
 */
export const MAX_RETRY_AFTER = 60_000;

/** How a backoff grows; the defaults are the transport's. */
export interface BackoffOptions {
  /** The first delay, in milliseconds. @default 500 */
  initial?: number | undefined;
  /** Each delay is the previous one times `factor`. @default 2 */
  factor?: number | undefined;
  /** Upper bound of a delay, in milliseconds. @default 8000 */
  max?: number | undefined;
  /** Make each delay up to 25 % shorter at random, so many clients do not retry in step. @default true */
  jitter?: boolean | undefined;
}

/**
 * The backoff of the pollers (futures, `waitForJob`) after a failed poll: 1 s doubling up to 30 s,
 * so a service that is down for a minute or two is waited out rather than given up on at once.
 */
export const POLL_BACKOFF: Readonly<BackoffOptions> = { initial: 1000, max: 30_000 };

/**
 * The one backoff formula of trainwire: `min(initial · factor^failures, max)` milliseconds (0 for
 * the first failure), made up to 25 % shorter at random unless `jitter` is false, rounded up.
 */
export function backoff(failures: number, options: BackoffOptions = {}): number {
  const { initial = 500, factor = 2, max = 8000, jitter = true } = options;
  const delay = Math.min(initial * factor ** Math.max(0, failures), max);
  return Math.ceil(jitter ? delay * (1 - Math.random() * 0.25) : delay);
}

/**
 * The wait a response asks for, in milliseconds, as the server wrote it (not capped): its
 * `retry-after-ms`, else `Retry-After` as seconds or an HTTP date (a past date is 0).
 * `undefined` when it asks for nothing readable.
 */
export function retryAfterFrom(headers: Headers | undefined): number | undefined {
  // About Retry-After: https://developer.mozilla.org/docs/Web/HTTP/Headers/Retry-After
  if (!headers) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  // An HTTP date names its day and month; a number that is not a valid wait (-5) is not a date.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * The wait before trying again after failure number `failures` in a row (0 for the first): what
 * the server asked for (`requested`, e.g. from {@link retryAfterFrom}) clamped to
 * [0, {@link MAX_RETRY_AFTER}], else {@link backoff}. Every retry loop, poller and upload waits this.
 */
export function retryWait(failures: number, requested?: number, options?: BackoffOptions): number {
  if (requested !== undefined && !Number.isNaN(requested)) return Math.ceil(Math.min(Math.max(requested, 0), MAX_RETRY_AFTER));
  return backoff(failures, options);
}
