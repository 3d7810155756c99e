import { redact, redactValue } from './redact.js';
import { requestIdFrom } from './request-id.js';
import { brand, TrainwireError } from './trainwire-error.js';

/** No response arrived: DNS, refused or reset connection, TLS, a body cut short. */
export class APIConnectionError extends TrainwireError {
  static {
    brand(APIConnectionError, 'APIConnectionError');
  }
  declare readonly attempts: number;
  constructor(init: { message?: string; cause?: unknown; attempts?: number } = {}) {
    super(init.message ?? 'Connection error.', { cause: init.cause });
    this.attempts = init.attempts ?? 1;
  }
  /** Always true: no answer came, so another attempt may get one (a write only when it is safe to repeat). */
  override get retryable(): boolean {
    return true;
  }
  protected override describe(): Record<string, unknown> {
    return { attempts: this.attempts, retryable: true };
  }
}

/** An attempt or the whole call ran past its `timeout` / `totalTimeout`. */
export class APITimeoutError extends APIConnectionError {
  static {
    brand(APITimeoutError, 'APITimeoutError');
  }
  constructor(init: { message?: string; cause?: unknown; attempts?: number } = {}) {
    super({ message: 'Request timed out.', ...init });
  }
}

/**
 * A redirect the transport refuses to follow: to another origin (unless the service declares that
 * safe), from https to plain http on a non-loopback host, a POST answered 301/302 (fetch would turn it
 * into a GET), a body that cannot be sent again, or more than 10 hops. Never retried.
 */
export class RedirectError extends TrainwireError {
  static {
    brand(RedirectError, 'RedirectError');
  }
  /** The redirect's status (301, 302, 303, 307, 308), when it could be read. */
  declare readonly status: number | undefined;
  /** Where the server pointed, resolved, with its credential query values (signatures, tokens) redacted. */
  declare readonly location: string | undefined;
  constructor(init: { message: string; status?: number | undefined; location?: string | undefined }) {
    super(init.message);
    this.status = init.status;
    this.location = init.location === undefined ? undefined : redact(init.location);
  }
  protected override describe(): Record<string, unknown> {
    return { status: this.status, location: this.location };
  }
}

/**
 * A response body went past the client's `maxResponseBytes` (or the cap on error bodies): the body
 * was cancelled unread past the limit, so an endless or huge answer costs at most the limit. Never
 * retried.
 */
export class ResponseTooLargeError extends TrainwireError {
  static {
    brand(ResponseTooLargeError, 'ResponseTooLargeError');
  }
  declare readonly status: number;
  /** The limit in bytes that was passed. */
  declare readonly limit: number;
  constructor(init: { status: number; limit: number; announced?: number | undefined }) {
    const announced = init.announced === undefined ? '' : ` (Content-Length: ${init.announced})`;
    super(`Response body (status ${init.status}) is larger than the limit of ${init.limit} bytes${announced}; it was not read.`);
    this.status = init.status;
    this.limit = init.limit;
  }
  protected override describe(): Record<string, unknown> {
    return { status: this.status, limit: this.limit };
  }
}

/** The caller aborted the request through its `AbortSignal`. Never retried. */
export class APIUserAbortError extends TrainwireError {
  static {
    brand(APIUserAbortError, 'APIUserAbortError');
  }
  /** Attempts made before the abort. */
  declare readonly attempts: number;
  constructor(init: { message?: string; cause?: unknown; attempts?: number } = {}) {
    super(init.message ?? 'Request was aborted.', { cause: init.cause });
    this.attempts = init.attempts ?? 0;
  }
}

/** A 2xx response whose body does not match the spec. `path` points at the first mismatch. */
export class ResponseValidationError extends TrainwireError {
  static {
    brand(ResponseValidationError, 'ResponseValidationError');
  }
  declare readonly status: number;
  declare readonly path: string;
  declare readonly requestId: string | undefined;
  declare readonly body: unknown;
  constructor(init: {
    status: number;
    path: string;
    reason: string;
    body?: unknown;
    headers?: Headers;
    operation?: string;
    cause?: unknown;
  }) {
    const where = init.operation ? ` from ${init.operation}` : '';
    super(`Response${where} (status ${init.status}) does not match the spec at ${init.path}: ${init.reason}`, { cause: init.cause });
    this.status = init.status;
    this.path = init.path;
    this.requestId = requestIdFrom(init.headers);
    this.body = redactValue(init.body);
  }
  protected override describe(): Record<string, unknown> {
    return { status: this.status, path: this.path, requestId: this.requestId };
  }
}

/** A parameter was rejected before anything was sent. `field` names it (`query.limit`, `body.name`). */
export class InvalidRequestError extends TrainwireError {
  static {
    brand(InvalidRequestError, 'InvalidRequestError');
  }
  declare readonly field: string;
  constructor(field: string, reason: string) {
    super(`Invalid ${field}: ${reason}`);
    this.field = field;
  }
  protected override describe(): Record<string, unknown> {
    return { field: this.field };
  }
}

/** A required setting (API key, base URL, ...) is missing or invalid. */
export class ConfigError extends TrainwireError {
  static {
    brand(ConfigError, 'ConfigError');
  }
}
