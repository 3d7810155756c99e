import { TrainwireError } from './trainwire-error.js';

/**
 * The default `isTransient` of a {@link Future}: an error whose `retryable` says so (connection
 * errors, timeouts, 408, 429, 5xx but 501, a 409 the service does not declare a conflict, and
 * whatever `x-should-retry` says) keeps the future polling; anything else (a 400, a 404, an
 * `APIUserAbortError`, a conflict) rejects it. The same list the transport retries on.
 */
export function isTransientPollError(error: unknown): boolean {
  return error instanceof TrainwireError && error.retryable === true;
}
