import {
  APIConnectionError,
  APIError,
  type APIErrorInit,
  APIUserAbortError,
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
  static override readonly brand: string = 'RunicornConnectionError';
  static override readonly errorName: string = 'ConnectionError';
  constructor(init: { message?: string; cause?: unknown; attempts?: number } = {}) {
    super(init);
    mark(this);
  }
}

/** 404: the run, artifact, version or session does not exist (or the route does not). */
export class NotFoundError extends CoreNotFoundError {
  static override readonly brand: string = 'RunicornNotFoundError';
  static override readonly errorName: string = 'NotFoundError';
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 400: the viewer refused the parameters. */
export class BadRequestError extends CoreBadRequestError {
  static override readonly brand: string = 'RunicornBadRequestError';
  static override readonly errorName: string = 'BadRequestError';
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 5xx, after the retries: 501 is a feature the viewer lacks, 500 an SSH or storage failure. */
export class ServerError extends InternalServerError {
  static override readonly brand: string = 'RunicornServerError';
  static override readonly errorName: string = 'ServerError';
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 401 or 403: a proxy in front of the viewer wants a (different) bearer token (the viewer itself has no auth). */
export class AuthenticationError extends CoreAuthenticationError {
  static override readonly brand: string = 'RunicornAuthenticationError';
  static override readonly errorName: string = 'AuthenticationError';
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 422: FastAPI rejected a parameter; `body.detail` lists `{loc, msg, type}`. */
export class UnprocessableEntityError extends CoreUnprocessableEntityError {
  static override readonly brand: string = 'RunicornUnprocessableEntityError';
  static override readonly errorName: string = 'UnprocessableEntityError';
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** 429 from the viewer's rate limiter (10 remote connects a minute); `retryAfter` in milliseconds. */
export class RateLimitError extends CoreRateLimitError {
  static override readonly brand: string = 'RunicornRateLimitError';
  static override readonly errorName: string = 'RateLimitError';
  constructor(init: APIErrorInit) {
    super(init);
    mark(this);
  }
}

/** Any other status (405 for a method the route does not take, 409, ...). */
export class UnexpectedStatusError extends APIError {
  static override readonly brand: string = 'RunicornUnexpectedStatusError';
  static override readonly errorName: string = 'UnexpectedStatusError';
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
  static override readonly brand: string = 'RunicornUnsafeArtifactFileError';
  static override readonly errorName: string = 'UnsafeArtifactFileError';

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
