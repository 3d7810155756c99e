import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  FutureFailedError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ResponseTooLargeError,
  ResponseValidationError,
  TrainwireError,
  UnprocessableEntityError,
} from '@trainwire/core';

// The Tinker SDK's error names (`tinker._exceptions`), as aliases of the shared classes, so
// `catch (error) { if (error instanceof NotFoundError) … }` reads the same in both languages.
export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ResponseTooLargeError,
  UnprocessableEntityError,
};
/** The root of every Tinker error (`tinker.TinkerError`). */
export const TinkerError = TrainwireError;
/** `tinker.APIStatusError`: the server answered with a non-2xx status. */
export const APIStatusError = APIError;
/** `tinker.APIResponseValidationError`: a 2xx body that does not match the spec. */
export const APIResponseValidationError = ResponseValidationError;

/** Why a Tinker request failed, as `retrieve_future` reports it. */
export type RequestFailureCategory = 'unknown' | 'server' | 'user';

/**
 * A future completed with `{ error, category }` (`tinker.RequestFailedError`): `category` is
 * `user` for a bad request (fix the input), `server` or `unknown` otherwise.
 */
export class RequestFailedError extends FutureFailedError {
  static override readonly brand: string = 'RequestFailedError';
  /** The id of the request that failed (the future's id). */
  readonly requestId: string;
  declare readonly category: RequestFailureCategory;
  constructor(init: { requestId: string; category: RequestFailureCategory; message: string }) {
    super({ futureId: init.requestId, category: init.category, message: init.message });
    this.requestId = init.requestId;
  }
  protected override describe(): Record<string, unknown> {
    return { ...super.describe(), requestId: this.requestId };
  }
}

/**
 * The server forgot the future (410) and it could not be submitted again: it was resumed from a
 * token without its request, or every resubmission expired too.
 */
export class FutureExpiredError extends FutureFailedError {
  static override readonly brand: string = 'FutureExpiredError';
  constructor(init: { futureId: string; message: string; cause?: unknown }) {
    super({ futureId: init.futureId, category: 'expired', message: init.message, cause: init.cause });
  }
}
