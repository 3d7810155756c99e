import { retryAfterFrom } from './backoff.js';
import { clipRedacted, isSecretHeader, redact, redactSecrets, redactValue } from './redact.js';
import { requestIdFrom } from './request-id.js';
import { retryAdvice } from './retry-advice.js';
import { TrainwireError } from './trainwire-error.js';

// The errors of an answer with a non-2xx status. A module apart from `errors.ts`: the transport
// loads it (through `errorFromResponse`) with the first such answer, so a bundle holds it in a chunk.

/** Everything an {@link APIError} is made from. */
export interface APIErrorInit {
  status: number;
  headers?: Headers;
  body?: unknown;
  /** Overrides the message derived from the body. */
  message?: string;
  requestId?: string | undefined;
  attempts?: number;
  method?: string;
  url?: string;
  cause?: unknown;
  /** Statuses the service declares conflicts (never retryable), from its spec's `x-conflict-statuses`. */
  conflictStatuses?: readonly number[] | undefined;
  /** Values redacted from this error only, besides the registered secrets (e.g. the signature of a presigned URL). */
  secrets?: readonly string[] | undefined;
}

/** The server answered with a non-2xx status. */
export class APIError extends TrainwireError {
  static override readonly brand: string = 'APIError';

  /** HTTP status code. */
  declare readonly status: number;
  /** Response headers (credential headers removed). */
  declare readonly headers: Headers;
  /** Parsed JSON body, or the text when it is not JSON; registered secrets redacted. */
  declare readonly body: unknown;
  /** The server's request id (`x-request-id` / `request-id`), when it sent one. */
  declare readonly requestId: string | undefined;
  /** How many attempts were made before giving up. */
  declare readonly attempts: number;
  /** A machine-readable error code from the body (`code` / `error.code`), when present. */
  declare readonly code: string | undefined;
  declare readonly method: string | undefined;
  declare readonly url: string | undefined;
  /**
   * The wait the server asked for before trying again (`retry-after-ms` / `Retry-After`), in
   * milliseconds as it wrote it (a retry waits at most 60 s of it), when it said.
   */
  declare readonly retryAfter: number | undefined;
  readonly #retryable: boolean;

  constructor(init: APIErrorInit) {
    super(redact(init.message ?? messageFromBody(init.status, init.body, init.secrets), init.secrets), { cause: init.cause });
    this.status = init.status;
    this.headers = safeHeaders(init.headers, init.secrets);
    this.body = redactValue(init.body, init.secrets);
    this.requestId = init.requestId ?? requestIdFrom(init.headers);
    this.attempts = init.attempts ?? 1;
    this.code = codeFromBody(init.body);
    this.method = init.method;
    // A presigned URL's query is its credential.
    this.url = init.url === undefined ? undefined : redact(init.url, init.secrets);
    this.retryAfter = retryAfterFrom(this.headers);
    this.#retryable = retryAdvice(init.status, init.headers, init.conflictStatuses) !== 'never';
  }

  /**
   * Whether the failure is transient: 408, 409 (unless the service declares it a conflict), 429,
   * 5xx but 501, or whatever the server's `x-should-retry` says. Whether a write may be sent again
   * is another matter (the transport repeats one only with an idempotency key).
   */
  override get retryable(): boolean {
    return this.#retryable;
  }

  protected override describe(): Record<string, unknown> {
    return {
      status: this.status,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      code: this.code,
      attempts: this.attempts,
      retryable: this.retryable,
      body: this.body,
    };
  }
}

/** 400 */
export class BadRequestError extends APIError {
  static override readonly brand: string = 'BadRequestError';
}
/** 401 */
export class AuthenticationError extends APIError {
  static override readonly brand: string = 'AuthenticationError';
}
/** 403 */
export class PermissionDeniedError extends APIError {
  static override readonly brand: string = 'PermissionDeniedError';
}
/** 404 */
export class NotFoundError extends APIError {
  static override readonly brand: string = 'NotFoundError';
}
/** 409 */
export class ConflictError extends APIError {
  static override readonly brand: string = 'ConflictError';
}
/** 422 */
export class UnprocessableEntityError extends APIError {
  static override readonly brand: string = 'UnprocessableEntityError';
}
/** 429. `retryAfter` is the wait the server asked for, in milliseconds, when it said. */
export class RateLimitError extends APIError {
  static override readonly brand: string = 'RateLimitError';
}
/** 5xx */
export class InternalServerError extends APIError {
  static override readonly brand: string = 'InternalServerError';
}

/**
 * A copy of `headers` without credential headers, and secrets redacted from the others (a server
 * may echo a key in any header). URLs keep their query: a redirect's `Location` is read from here.
 */
function safeHeaders(headers: Headers | undefined, secrets?: readonly string[]): Headers {
  const result = new Headers();
  headers?.forEach((value, name) => {
    if (!isSecretHeader(name)) result.append(name, redactSecrets(value, secrets));
  });
  return result;
}

function messageFromBody(status: number, body: unknown, secrets?: readonly string[]): string {
  return `${status} ${detailFrom(body, secrets) || 'status code (no body)'}`;
}

/** The error's words in `body`; a long body is cut after redaction, so a cut never leaves part of a secret. */
function detailFrom(body: unknown, secrets?: readonly string[]): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body !== 'object') return clipRedacted(String(body), 500, secrets);
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'detail', 'error', 'error_message']) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
    if (Array.isArray(value) && value.length > 0) return value.map((item) => detailFrom(item, secrets) ?? '').join('; ');
    const nested = value && typeof value === 'object' ? detailFrom(value, secrets) : undefined;
    if (nested) return nested;
  }
  if (typeof record.msg === 'string') return record.loc ? `${record.msg} (${String(record.loc)})` : record.msg;
  return clipRedacted(JSON.stringify(body), 500, secrets);
}

function codeFromBody(body: unknown): string | undefined {
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const code = record.code ?? (record.error as Record<string, unknown> | undefined)?.code ?? record.error_code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}
