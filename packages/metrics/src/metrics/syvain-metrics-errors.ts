import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  ConfigError,
  InvalidRequestError,
  ResponseValidationError,
  TrainwireError,
} from '@trainwire/core';

// The documented names are kinds, not a second class chain: an error keeps its core class
// (`NotFoundError`, `APITimeoutError`, ...) and also answers `instanceof` for the documented name.
const KINDS = Symbol.for('trainwire.metrics.kinds');

type MetricsKind = 'MetricsApiError' | 'MetricsApiRequestError' | 'MetricsApiResponseError' | 'MetricsApiAuthError';

function kindsOf(value: unknown): readonly string[] {
  if (typeof value !== 'object' || value === null) return [];
  const kinds = (value as Record<symbol, unknown>)[KINDS];
  return Array.isArray(kinds) ? kinds : [];
}

function mark<T extends object>(error: T, kind: MetricsKind): T {
  const kinds = kind === 'MetricsApiError' ? [kind] : ['MetricsApiError', kind];
  if (kindsOf(error).length === 0) Object.defineProperty(error, KINDS, { value: kinds, enumerable: false });
  return error;
}

/** The root of every Syvain Metrics failure; `instanceof` also holds for the core error it is. */
export class MetricsApiError extends TrainwireError {
  static override readonly brand: string = 'MetricsApiError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `instanceof` was asked about.
    const own = Object.hasOwn(this, 'brand') ? (this as unknown as { brand: string }).brand : undefined;
    // biome-ignore lint/complexity/noThisInStatic: as above.
    return TrainwireError[Symbol.hasInstance].call(this, value) || (own !== undefined && kindsOf(value).includes(own));
  }
}

/**
 * The API answered with an HTTP error, or could not be reached. What is thrown is core's class for
 * the case (`NotFoundError`, `RateLimitError`, `APIConnectionError`, `APITimeoutError`, ...), which
 * is also a `MetricsApiRequestError`; `status` is undefined when no answer arrived.
 */
export class MetricsApiRequestError extends MetricsApiError {
  static override readonly brand: string = 'MetricsApiRequestError';
  declare readonly status: number | undefined;
  declare readonly body: unknown;
  declare readonly requestId: string | undefined;
  declare readonly attempts: number;
}

/**
 * The API answered 2xx with a body that does not match the schema. What is thrown is core's
 * `ResponseValidationError` (`status`, `path` of the first mismatch, `body`), also a `MetricsApiResponseError`.
 */
export class MetricsApiResponseError extends MetricsApiError {
  static override readonly brand: string = 'MetricsApiResponseError';
  declare readonly status: number;
  declare readonly path: string;
  declare readonly body: unknown;
  declare readonly requestId: string | undefined;
}

/**
 * Local CLI auth (`new SyvainMetricsApiClient('local')`) is unavailable or invalid: the auth file is
 * missing, unreadable, malformed or readable by others, or the runtime has no file system. Also a
 * core `ConfigError` and a `MetricsApiError`.
 */
export class MetricsApiAuthError extends ConfigError {
  static override readonly brand: string = 'MetricsApiAuthError';
  /** The auth file that was read, when there is one. */
  readonly path: string | undefined;
  constructor(message: string, options: { path?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.path = options.path;
    mark(this, 'MetricsApiAuthError');
  }
  protected override describe(): Record<string, unknown> {
    return { path: this.path };
  }
}

/**
 * Give an error thrown by core its documented kind: HTTP and connection errors become
 * `MetricsApiRequestError`, schema mismatches `MetricsApiResponseError`, and every other trainwire
 * error a `MetricsApiError`. The same object is returned.
 */
export function asMetricsError(error: unknown): unknown {
  if (error instanceof APIError || error instanceof APIConnectionError) return mark(error, 'MetricsApiRequestError');
  if (error instanceof ResponseValidationError) return mark(error, 'MetricsApiResponseError');
  if (error instanceof InvalidRequestError || error instanceof APIUserAbortError || error instanceof TrainwireError)
    return mark(error, 'MetricsApiError');
  return error;
}

/** Run `call` and rethrow its failure with its documented kind. */
export async function withMetricsErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asMetricsError(error);
  }
}
