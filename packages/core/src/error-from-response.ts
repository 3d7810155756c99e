import {
  APIError,
  type APIErrorInit,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './api-error.js';

/** A class an error response can be turned into. */
export type APIErrorClass = new (init: APIErrorInit) => APIError;

/** Per-service overrides: a status (or `default`) → the class to throw. */
export type ErrorClasses = Partial<Record<number | 'default', APIErrorClass>>;

const STANDARD: Record<number, APIErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/**
 * The one place a failed response becomes an error: picks the class for `init.status` (a service's
 * own classes first) and builds it. The transport imports this module (and the classes) when the
 * first non-2xx answer comes, so a bundle holds them in a chunk of their own.
 */
export function errorFromResponse(init: APIErrorInit, classes: ErrorClasses = {}): APIError {
  const status = init.status;
  const Class =
    classes[status] ??
    STANDARD[status] ??
    (status >= 500 ? (classes[500] ?? InternalServerError) : undefined) ??
    classes.default ??
    APIError;
  return new Class(init);
}
