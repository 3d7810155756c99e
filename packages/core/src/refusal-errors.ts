import { redact, redactValue } from './redact.js';
import { requestIdFrom } from './request-id.js';
import { TrainwireError } from './trainwire-error.js';

// The errors of an answer the transport refuses: a redirect it will not follow, a body too large to
// read, a body that does not match the spec. A module apart from `errors.ts`: the transport and
// `readBoundedBody` load it with the first refusal, so a bundle holds it in a chunk of its own.

/**
 * A redirect the transport refuses to follow: to another origin (unless the service declares that
 * safe), from https to plain http on a non-loopback host, a POST answered 301/302 (fetch would turn it
 * into a GET), a body that cannot be sent again, or more than 10 hops. Never retried.
 */
export class RedirectError extends TrainwireError {
  static override readonly brand: string = 'RedirectError';
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
  static override readonly brand: string = 'ResponseTooLargeError';
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

/** A 2xx response whose body does not match the spec. `path` points at the first mismatch. */
export class ResponseValidationError extends TrainwireError {
  static override readonly brand: string = 'ResponseValidationError';
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
