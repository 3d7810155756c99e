import { TrainwireError } from './trainwire-error.js';

/** No response arrived: DNS, refused or reset connection, TLS, a body cut short. */
export class APIConnectionError extends TrainwireError {
  static override readonly brand: string = 'APIConnectionError';
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
  static override readonly brand: string = 'APITimeoutError';
  constructor(init: { message?: string; cause?: unknown; attempts?: number } = {}) {
    super({ message: 'Request timed out.', ...init });
  }
}

/** The caller aborted the request through its `AbortSignal`. Never retried. */
export class APIUserAbortError extends TrainwireError {
  static override readonly brand: string = 'APIUserAbortError';
  /** Attempts made before the abort. */
  declare readonly attempts: number;
  constructor(init: { message?: string; cause?: unknown; attempts?: number } = {}) {
    super(init.message ?? 'Request was aborted.', { cause: init.cause });
    this.attempts = init.attempts ?? 0;
  }
}

/** A parameter was rejected before anything was sent. `field` names it (`query.limit`, `body.name`). */
export class InvalidRequestError extends TrainwireError {
  static override readonly brand: string = 'InvalidRequestError';
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
  static override readonly brand: string = 'ConfigError';
}
