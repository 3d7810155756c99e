/**
 * What a failed answer says about trying again: `always` when the server sent `x-should-retry: true`
 * (a write included), `never` for a success, `x-should-retry: false`, a status the service declares
 * a conflict (`conflictStatuses`, from its spec's `x-conflict-statuses`) or a status a retry cannot
 * fix, and `if-safe` (retry when the request may be repeated) for the transient ones.
 */
export type RetryAdvice = 'always' | 'if-safe' | 'never';

/**
 * The one list of transient statuses, used by the transport, every poller and every upload:
 * 408 (request timeout), 409 (a lock timeout, unless the service declares 409 a conflict), 429 and
 * every 5xx but 501 (Not Implemented will not start working).
 */
export function isTransientStatus(status: number, conflictStatuses?: readonly number[]): boolean {
  if (conflictStatuses?.includes(status)) return false;
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/** Read the {@link RetryAdvice} from a status, the answer's `x-should-retry` header and the service's conflict statuses. */
export function retryAdvice(status: number, headers?: Headers, conflictStatuses?: readonly number[]): RetryAdvice {
  if (status >= 200 && status < 300) return 'never';
  const header = headers?.get('x-should-retry')?.trim().toLowerCase();
  if (header === 'true') return 'always';
  if (header === 'false') return 'never';
  return isTransientStatus(status, conflictStatuses) ? 'if-safe' : 'never';
}
