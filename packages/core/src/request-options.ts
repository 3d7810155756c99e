import type { FetchOptions } from './fetch-options.js';
import type { RetryWait } from './retry-wait.js';

/** Options every method of every client accepts as its last argument. */
export interface RequestOptions {
  /** Aborts the call (and any retry wait) with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout in milliseconds. @default the client's `timeout` */
  timeout?: number | undefined;
  /** Overall deadline in milliseconds for all attempts and the waits between them. @default no limit */
  totalTimeout?: number | undefined;
  /** How many times a failed attempt may be retried. @default the client's `maxRetries` (2) */
  maxRetries?: number | undefined;
  /** Idempotency key for a write; the same key is sent on every attempt. @default a random UUID on services that take one */
  idempotencyKey?: string | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /** Told of every wait before a retry and why (e.g. a 503 with `Retry-After: 30`); the logger gets it at `info` too. */
  onWait?: ((wait: RetryWait) => void) | undefined;
  /** Extra `fetch` init fields for this call, over the client's `fetchOptions` (e.g. another `dispatcher`). */
  fetchOptions?: FetchOptions | undefined;
}

/** A `fetch`-compatible function. */
export type Fetch = (input: Request, init?: RequestInit) => Promise<Response>;
