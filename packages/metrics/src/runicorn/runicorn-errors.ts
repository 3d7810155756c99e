import {
  APIConnectionError,
  APIError,
  type APIErrorInit,
  APIUserAbortError,
  brand,
  AuthenticationError as CoreAuthenticationError,
  BadRequestError as CoreBadRequestError,
  NotFoundError as CoreNotFoundError,
  RateLimitError as CoreRateLimitError,
  UnprocessableEntityError as CoreUnprocessableEntityError,
  type ErrorClasses,
  InternalServerError,
  TrainwireError,
} from '@trainwire/core';

// Every Runicorn error carries this mark, so `instanceof RunicornAPIError` holds for classes that
// extend core's classes (and across two loaded copies of this package: Symbol.for is global).
const RUNICORN_ERROR = Symbol.for('trainwire.runicorn.error');

function isMarked(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RUNICORN_ERROR] === true;
}

function mark(error: object): void {
  Object.defineProperty(error, RUNICORN_ERROR, { value: true });
}

/** Brand a class uniquely (so a Tinker `NotFoundError` is not a Runicorn one) but keep its documented name. */
function name(errorClass: Function, documented: string): void {
  brand(errorClass, `Runicorn${documented}`);
  Object.defineProperty(errorClass.prototype, 'name', { value: documented, writable: true, configurable: true });
}

/**
 * The root of the documented Runicorn hierarchy. Every error below is an instance of it and of the
 * matching `@trainwire/core` class (`NotFoundError` is also core's `NotFoundError`, and so on).
 */
export class RunicornAPIError extends TrainwireError {
  static override readonly brand: string = 'RunicornAPIError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about; a subclass matches only its own instances.
    if (this === RunicornAPIError && isMarked(value)) return true;
    // biome-ignore lint/complexity/noThisInStatic: the brand check of core, for the class asked about.
    return TrainwireError[Symbol.hasInstance].call(this, value);
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    mark(this);
  }
}

/** The viewer could not be reached (refused, reset, DNS, timeout), is not healthy, or the client was closed. */
export class ConnectionError extends APIConnectionError {
  static {
    name(ConnectionError, 'ConnectionError');
  }
  constructor(init: { message?: string; cause?: unknown; attempts?: number } = {}) {
    super(init);
    mark(this);
  }
}

/** 404: the run, artifact, version or session does not exist (or the route does not). */
export class NotFoundError extends CoreNotFoundError {
  static {
    name(NotFoundError, 'NotFoundError');
  }
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 400: the viewer refused the parameters. */
export class BadRequestError extends CoreBadRequestError {
  static {
    name(BadRequestError, 'BadRequestError');
  }
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 5xx, after the retries: 501 is a feature the viewer lacks, 500 an SSH or storage failure. */
export class ServerError extends InternalServerError {
  static {
    name(ServerError, 'ServerError');
  }
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 401 or 403: a proxy in front of the viewer wants a (different) bearer token (the viewer itself has no auth). */
export class AuthenticationError extends CoreAuthenticationError {
  static {
    name(AuthenticationError, 'AuthenticationError');
  }
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 422: FastAPI rejected a parameter; `body.detail` lists `{loc, msg, type}`. */
export class UnprocessableEntityError extends CoreUnprocessableEntityError {
  static {
    name(UnprocessableEntityError, 'UnprocessableEntityError');
  }
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 429 from the viewer's rate limiter (10 remote connects a minute); `retryAfter` in milliseconds. */
export class RateLimitError extends CoreRateLimitError {
  static {
    name(RateLimitError, 'RateLimitError');
  }
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** Any other status (405 for a method the route does not take, 409, ...). */
export class UnexpectedStatusError extends APIError {
  static {
    name(UnexpectedStatusError, 'UnexpectedStatusError');
  }
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/**
 * `downloadArtifact` refused a listing before copying anything: a file whose relative path leaves the
 * target folder, or whose `absolute_path` (after symlinks) is not inside the version's own storage
 * folder, or is not a regular file. A viewer that lists such a file is broken or hostile.
 */
export class UnsafeArtifactFileError extends RunicornAPIError {
  static {
    name(UnsafeArtifactFileError, 'UnsafeArtifactFileError');
  }

  /** `name:vN`. */
  readonly artifact: string;
  /** The file's `path` as the viewer listed it. */
  readonly file: string;

  constructor(init: { artifact: string; file: string; reason: string }) {
    super(`${init.artifact}: refusing to copy ${JSON.stringify(init.file)}: ${init.reason}. Nothing was copied.`);
    this.artifact = init.artifact;
    this.file = init.file;
  }
}

/** The status → class table handed to core's `errorFromResponse`. */
export const runicornErrorClasses: ErrorClasses = {
  400: BadRequestError,
  401: AuthenticationError,
  403: AuthenticationError,
  404: NotFoundError,
  405: UnexpectedStatusError,
  409: UnexpectedStatusError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  500: ServerError,
  default: UnexpectedStatusError,
};

/**
 * A failure thrown below the client, as the documented class: connection failures and timeouts
 * become {@link ConnectionError} (as in the Python client); an abort caused by `close()` too.
 */
export function runicornError(error: unknown, context: { baseURL: string; closed: boolean }): unknown {
  if (error instanceof RunicornAPIError) return error;
  if (error instanceof APIUserAbortError && context.closed) {
    return new ConnectionError({ message: 'The Runicorn client was closed.', cause: error, attempts: error.attempts });
  }
  if (error instanceof APIConnectionError) {
    return new ConnectionError({
      message: `Cannot reach the Runicorn viewer at ${context.baseURL} (${error.message}) Is it running? Start it with \`runicorn viewer\`.`,
      cause: error,
      attempts: error.attempts,
    });
  }
  return error;
}
