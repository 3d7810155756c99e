import { APIError, type APIErrorInit, TrainwireError } from '@trainwire/core';

export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  InternalServerError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ResponseTooLargeError,
  ResponseValidationError,
  TrainwireError,
  UnprocessableEntityError,
} from '@trainwire/core';

/** The root of every error the Middleman client throws (the Python SDK's `MiddlemanError`). */
export const MiddlemanError = TrainwireError;
export type MiddlemanError = TrainwireError;

/** Any non-2xx answer (the Python SDK's `ApiError`): `status` is its `status_code`, `detail` the body's `detail`. */
export const ApiError = APIError;
export type ApiError = APIError;

/** The `detail` of a FastAPI error body (a string, or the messages of a validation error joined). */
export function errorDetail(error: APIError): string | undefined {
  const detail = (error.body as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail))
    return detail.map((item: { msg?: string; loc?: unknown[] }) => `${item.loc?.join('.')}: ${item.msg}`).join('; ');
  return undefined;
}

/** 402: the account has fewer available credits than the job would reserve. */
export class InsufficientCreditsError extends APIError {
  static override readonly brand: string = 'InsufficientCreditsError';
  constructor(init: APIErrorInit) {
    super(init);
  }
}

/** `waitForJob` / `streamJobStatus` ran past their `timeout` before the job ended (the job goes on). */
export class JobTimeoutError extends TrainwireError {
  static override readonly brand: string = 'JobTimeoutError';
  readonly jobId: string;
  /** The timeout that ran out, in milliseconds. */
  readonly timeout: number;
  /** The last state seen, when a poll succeeded. */
  readonly lastStatus: string | undefined;
  constructor(init: { jobId: string; timeout: number; lastStatus?: string | undefined }) {
    const last = init.lastStatus ? ` (last status: ${init.lastStatus})` : '';
    super(`Job ${init.jobId} did not finish within ${init.timeout} ms${last}.`);
    this.jobId = init.jobId;
    this.timeout = init.timeout;
    this.lastStatus = init.lastStatus;
  }
  protected override describe(): Record<string, unknown> {
    return { jobId: this.jobId, timeout: this.timeout, lastStatus: this.lastStatus };
  }
}

/**
 * `waitForJob` / `streamJobStatus` gave up after `failures` failed polls in a row (the service
 * down, 5xx, 429 ...); `cause` is the last failure. The job itself goes on.
 */
export class JobPollingError extends TrainwireError {
  static override readonly brand: string = 'JobPollingError';
  readonly jobId: string;
  /** Failed polls in a row. */
  readonly failures: number;
  /** The last state seen, when a poll succeeded. */
  readonly lastStatus: string | undefined;
  constructor(init: { jobId: string; failures: number; cause: unknown; lastStatus?: string | undefined }) {
    const last = init.cause instanceof Error ? `${init.cause.name}: ${init.cause.message}` : String(init.cause);
    super(`Gave up polling job ${init.jobId} after ${init.failures} failed polls in a row; the last: ${last}`, { cause: init.cause });
    this.jobId = init.jobId;
    this.failures = init.failures;
    this.lastStatus = init.lastStatus;
  }
  protected override describe(): Record<string, unknown> {
    return { jobId: this.jobId, failures: this.failures, lastStatus: this.lastStatus };
  }
}

/** A feature that needs Node.js (reading a file by path) was used in another runtime. */
export class NodeOnlyError extends TrainwireError {
  static override readonly brand: string = 'NodeOnlyError';
}
