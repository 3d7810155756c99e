/**
 * What a response says about trying again: `always` when the server sent `x-should-retry: true`
 * (a write included), `never` for a success, `x-should-retry: false` or a status that a retry
 * cannot fix (501 Not Implemented among them), and `if-safe` for 408, 409 (lock timeout), 429 and
 * the other 5xx.
 */
export type RetryAdvice = 'always' | 'if-safe' | 'never';

/** Read the {@link RetryAdvice} from a response's status and `x-should-retry` header. */
export function retryAdvice(response: Response): RetryAdvice {
  if (response.ok) return 'never';
  const header = response.headers.get('x-should-retry')?.trim().toLowerCase();
  if (header === 'true') return 'always';
  if (header === 'false') return 'never';
  const status = response.status;
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status !== 501) ? 'if-safe' : 'never';
}
