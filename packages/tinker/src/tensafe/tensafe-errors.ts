import {
  type APIErrorInit,
  AuthenticationError as CoreAuthenticationError,
  BadRequestError as CoreBadRequestError,
  FutureCancelledError as CoreFutureCancelledError,
  FutureFailedError as CoreFutureFailedError,
  FuturePollingError as CoreFuturePollingError,
  FutureTimeoutError as CoreFutureTimeoutError,
  NotFoundError as CoreNotFoundError,
  PermissionDeniedError as CorePermissionDeniedError,
  RateLimitError as CoreRateLimitError,
  UnprocessableEntityError as CoreUnprocessableEntityError,
  type ErrorClasses,
  InternalServerError,
  TrainwireError,
} from '@trainwire/core';
import { readTenSafeErrorBody } from './tensafe-error-body.js';

/** Marks every error this module makes, so `instanceof TGTinkerError` holds across loaded copies. */
const TENSAFE = Symbol.for('trainwire.tensafe.error');

/** The fields every TenSafe error carries, as `tg_tinker.TGTinkerError(message, code, details, request_id)` does. */
interface TenSafeFields {
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly request_id: string | undefined;
}

function adopt(error: object, fields: TenSafeFields): void {
  Object.assign(error, fields);
  Object.defineProperty(error, TENSAFE, { value: true });
}

/** The message and fields of an error answer; the message reads `404 TRAINING_CLIENT_NOT_FOUND: ...`. */
function fromResponse(init: APIErrorInit, fallbackCode: string): { init: APIErrorInit; fields: TenSafeFields } {
  const body = readTenSafeErrorBody(init.body);
  const code = body.code ?? fallbackCode;
  const message = init.message ?? (body.message ? `${init.status} ${code}: ${body.message}` : undefined);
  return {
    init: message === undefined ? init : { ...init, message },
    fields: {
      code,
      details: body.details,
      request_id: body.request_id ?? init.requestId ?? init.headers?.get('x-request-id') ?? undefined,
    },
  };
}

/**
 * The root of TenSafe's errors (`tg_tinker.TGTinkerError`): `code`, `message`, `details`,
 * `request_id`. Every TenSafe error below is `instanceof TGTinkerError` and also an instance of the
 * matching `@trainwire/core` class (`AuthenticationError`, `RateLimitError`, `FutureFailedError`, ...).
 */
export class TGTinkerError extends TrainwireError {
  static override readonly brand: string = 'tensafe.TGTinkerError';
  static override readonly errorName: string = 'TGTinkerError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` was asked about.
    if (this !== TGTinkerError) return super[Symbol.hasInstance](value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TENSAFE] === true;
  }

  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;

  constructor(message: string, code = 'UNKNOWN_ERROR', details: Record<string, unknown> = {}, request_id?: string) {
    super(message);
    adopt(this, { code, details, request_id });
  }
}

/** 401: the key is missing, malformed or not accepted (`AUTHENTICATION_REQUIRED`). */
export class AuthenticationError extends CoreAuthenticationError {
  static override readonly brand: string = 'tensafe.AuthenticationError';
  static override readonly errorName: string = 'AuthenticationError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  constructor(init: APIErrorInit) {
    const { init: adjusted, fields } = fromResponse(init, 'AUTHENTICATION_REQUIRED');
    super(adjusted);
    adopt(this, fields);
  }
}

/** 403: the key may not do this. */
export class PermissionDeniedError extends CorePermissionDeniedError {
  static override readonly brand: string = 'tensafe.PermissionDeniedError';
  static override readonly errorName: string = 'PermissionDeniedError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  constructor(init: APIErrorInit) {
    const { init: adjusted, fields } = fromResponse(init, 'PERMISSION_DENIED');
    super(adjusted);
    adopt(this, fields);
  }
}

/**
 * 404. Built from an answer, it becomes {@link TrainingClientNotFoundError},
 * {@link FutureNotFoundError} or {@link ArtifactNotFoundError} by the error code, as `tg_tinker` picks them.
 */
export class ResourceNotFoundError extends CoreNotFoundError {
  static override readonly brand: string = 'tensafe.ResourceNotFoundError';
  static override readonly errorName: string = 'ResourceNotFoundError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  // biome-ignore lint/correctness/noUnreachableSuper: returning the documented subclass needs no super().
  constructor(init: APIErrorInit) {
    const specific = new.target === ResourceNotFoundError ? notFoundClass(readTenSafeErrorBody(init.body).code) : undefined;
    // biome-ignore lint/correctness/noConstructorReturn: the code picks the documented subclass.
    if (specific) return new specific(init);
    const { init: adjusted, fields } = fromResponse(init, 'NOT_FOUND');
    super(adjusted);
    adopt(this, fields);
  }
}

/** 404 `TRAINING_CLIENT_NOT_FOUND`. */
export class TrainingClientNotFoundError extends ResourceNotFoundError {
  static override readonly brand: string = 'tensafe.TrainingClientNotFoundError';
  static override readonly errorName: string = 'TrainingClientNotFoundError';
}

/** 404 `FUTURE_NOT_FOUND`. */
export class FutureNotFoundError extends ResourceNotFoundError {
  static override readonly brand: string = 'tensafe.FutureNotFoundError';
  static override readonly errorName: string = 'FutureNotFoundError';
}

/** 404 `ARTIFACT_NOT_FOUND`. */
export class ArtifactNotFoundError extends ResourceNotFoundError {
  static override readonly brand: string = 'tensafe.ArtifactNotFoundError';
  static override readonly errorName: string = 'ArtifactNotFoundError';
}

function notFoundClass(code: string | undefined): typeof ResourceNotFoundError | undefined {
  const lower = code?.toLowerCase() ?? '';
  if (lower.includes('training_client')) return TrainingClientNotFoundError;
  if (lower.includes('future')) return FutureNotFoundError;
  if (lower.includes('artifact')) return ArtifactNotFoundError;
  return undefined;
}

/** 422: FastAPI rejected the request (`details.errors` lists `{loc, msg, type}`). */
export class ValidationError extends CoreUnprocessableEntityError {
  static override readonly brand: string = 'tensafe.ValidationError';
  static override readonly errorName: string = 'ValidationError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  constructor(init: APIErrorInit) {
    const { init: adjusted, fields } = fromResponse(init, 'VALIDATION_ERROR');
    super(adjusted);
    adopt(this, fields);
  }
}

/** 400, 413 and other 4xx answers `tg_tinker` has no class for (it called them `ServerError`). */
export class BadRequestError extends CoreBadRequestError {
  static override readonly brand: string = 'tensafe.BadRequestError';
  static override readonly errorName: string = 'BadRequestError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  constructor(init: APIErrorInit) {
    // A 405 is what the reference server answers for the documented DELETE it does not serve.
    const { init: adjusted, fields } = fromResponse(init, init.status === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST');
    super(adjusted);
    adopt(this, fields);
  }
}

/** 429 `RATE_LIMITED`. `retry_after` is the wait the server asked for, in seconds (core's `retryAfter` is in ms). */
export class RateLimitedError extends CoreRateLimitError {
  static override readonly brand: string = 'tensafe.RateLimitedError';
  static override readonly errorName: string = 'RateLimitedError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  readonly retry_after: number | undefined;
  constructor(init: APIErrorInit) {
    const { init: adjusted, fields } = fromResponse(init, 'RATE_LIMITED');
    super(adjusted);
    adopt(this, fields);
    this.retry_after = this.retryAfter === undefined ? undefined : Math.ceil(this.retryAfter / 1000);
  }
}

/** 5xx (`INTERNAL_ERROR`). A 503 whose code mentions the queue becomes {@link QueueFullError}. */
export class ServerError extends InternalServerError {
  static override readonly brand: string = 'tensafe.ServerError';
  static override readonly errorName: string = 'ServerError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  // biome-ignore lint/correctness/noUnreachableSuper: returning the documented subclass needs no super().
  constructor(init: APIErrorInit) {
    const code = readTenSafeErrorBody(init.body).code;
    const queueFull = new.target === ServerError && init.status === 503 && /queue/i.test(code ?? '');
    // biome-ignore lint/correctness/noConstructorReturn: the code picks the documented subclass.
    if (queueFull) return new QueueFullError(init);
    const { init: adjusted, fields } = fromResponse(init, 'INTERNAL_ERROR');
    super(adjusted);
    adopt(this, fields);
  }
}

/** 503 with a queue code (`QUEUE_FULL`): the job queue takes no more work for now; retried like any 503. */
export class QueueFullError extends ServerError {
  static override readonly brand: string = 'tensafe.QueueFullError';
  static override readonly errorName: string = 'QueueFullError';
}

/** A future's operation failed on the server; `error_message` is the server's text. */
export class FutureFailedError extends CoreFutureFailedError {
  static override readonly brand: string = 'tensafe.FutureFailedError';
  static override readonly errorName: string = 'FutureFailedError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  readonly error_message: string;
  constructor(init: { futureId: string; error_message: string; category?: string | undefined; code?: string }) {
    super({ futureId: init.futureId, category: init.category, message: init.error_message });
    this.error_message = init.error_message;
    adopt(this, { code: init.code ?? 'FUTURE_FAILED', details: {}, request_id: undefined });
  }
}

/** A future failed because the differential-privacy budget (`target_epsilon`) is spent. */
export class DPBudgetExceededError extends FutureFailedError {
  static override readonly brand: string = 'tensafe.DPBudgetExceededError';
  static override readonly errorName: string = 'DPBudgetExceededError';
  constructor(init: { futureId: string; error_message: string; category?: string | undefined }) {
    super({ ...init, code: 'DP_BUDGET_EXCEEDED' });
  }
}

/** A future was cancelled (`cancelFuture`, or on the server) before it finished. */
export class FutureCancelledError extends CoreFutureCancelledError {
  static override readonly brand: string = 'tensafe.FutureCancelledError';
  static override readonly errorName: string = 'FutureCancelledError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  constructor(init: { futureId: string; reason?: string | undefined }) {
    super(init);
    adopt(this, { code: 'FUTURE_CANCELLED', details: {}, request_id: undefined });
  }
}

/**
 * A future gave up after its polls failed several times in a row (each already retried by the
 * transport): the reference server's `/result` answers 500 for ever. `cause` is the last failure;
 * the operation may still run, and `resumeFuture(future.serialize())` follows it again later.
 */
export class FuturePollingError extends CoreFuturePollingError {
  static override readonly brand: string = 'tensafe.FuturePollingError';
  static override readonly errorName: string = 'FuturePollingError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  constructor(init: { futureId: string; failures: number; cause: unknown }) {
    super(init);
    adopt(this, { code: 'FUTURE_POLLING_FAILED', details: { failures: init.failures }, request_id: undefined });
  }
}

/** `result({ timeout })` ran out before the future finished; the operation itself goes on. */
export class FutureTimeoutError extends CoreFutureTimeoutError {
  static override readonly brand: string = 'tensafe.FutureTimeoutError';
  static override readonly errorName: string = 'FutureTimeoutError';
  declare readonly code: string;
  declare readonly details: Record<string, unknown>;
  declare readonly request_id: string | undefined;
  constructor(init: { futureId: string; timeout: number }) {
    super(init);
    adopt(this, { code: 'FUTURE_TIMEOUT', details: {}, request_id: undefined });
  }
}

/** A downloaded artifact was shorter or longer than announced, or too short to be AES-GCM ciphertext. */
export class ArtifactIntegrityError extends TGTinkerError {
  static override readonly brand: string = 'tensafe.ArtifactIntegrityError';
  static override readonly errorName: string = 'ArtifactIntegrityError';
  readonly artifact_id: string;
  constructor(artifactId: string, reason: string) {
    super(`Artifact ${artifactId} failed its integrity check: ${reason}`, 'ARTIFACT_INTEGRITY');
    this.artifact_id = artifactId;
  }
}

/** The classes the transport builds from TenSafe's statuses (`tg_tinker/exceptions.py`). */
export const tenSafeErrorClasses: ErrorClasses = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: ResourceNotFoundError,
  409: BadRequestError,
  422: ValidationError,
  429: RateLimitedError,
  500: ServerError,
  default: BadRequestError,
};
