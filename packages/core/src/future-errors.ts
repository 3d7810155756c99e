import { TrainwireError } from './trainwire-error.js';

/** A waiter's `timeout` ran out before the future settled. The operation itself goes on. */
export class FutureTimeoutError extends TrainwireError {
  static override readonly brand: string = 'FutureTimeoutError';
  readonly futureId: string;
  /** The timeout that ran out, in milliseconds. */
  readonly timeout: number;
  constructor(init: { futureId: string; timeout: number }) {
    super(`Timed out after ${init.timeout} ms waiting for future ${init.futureId}.`);
    this.futureId = init.futureId;
    this.timeout = init.timeout;
  }
  protected override describe(): Record<string, unknown> {
    return { futureId: this.futureId, timeout: this.timeout };
  }
}

/** The server reported that the operation failed. Services throw it or a subclass from `poll`. */
export class FutureFailedError extends TrainwireError {
  static override readonly brand: string = 'FutureFailedError';
  readonly futureId: string;
  /** The service's failure category (e.g. `user_error`, `server_error`), when it gives one. */
  readonly category: string | undefined;
  constructor(init: { futureId: string; category?: string; message?: string; cause?: unknown }) {
    const category = init.category ? ` (${init.category})` : '';
    const detail = init.message ? `: ${init.message}` : '.';
    super(`Future ${init.futureId} failed${category}${detail}`, { cause: init.cause });
    this.futureId = init.futureId;
    this.category = init.category;
  }
  protected override describe(): Record<string, unknown> {
    return { futureId: this.futureId, category: this.category };
  }
}

/** The operation was cancelled before it finished. */
export class FutureCancelledError extends TrainwireError {
  static override readonly brand: string = 'FutureCancelledError';
  readonly futureId: string;
  readonly reason: string | undefined;
  constructor(init: { futureId: string; reason?: string | undefined }) {
    super(`Future ${init.futureId} was cancelled${init.reason ? `: ${init.reason}` : '.'}`);
    this.futureId = init.futureId;
    this.reason = init.reason;
  }
  protected override describe(): Record<string, unknown> {
    return { futureId: this.futureId, reason: this.reason };
  }
}

/** A token given to `Future.resume` / `Future.parseToken` was not made by `Future#serialize`. */
export class InvalidFutureTokenError extends TrainwireError {
  static override readonly brand: string = 'InvalidFutureTokenError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Invalid future token: ${reason}`, options);
  }
}

/**
 * A future gave up after `failures` failed polls in a row (each a transient error: the service
 * down, 5xx, 429 ...). `cause` is the last failure. The operation itself may still be running: a
 * future resumed from `future.serialize()` (or made again from its id) follows it again later.
 */
export class FuturePollingError extends TrainwireError {
  static override readonly brand: string = 'FuturePollingError';
  readonly futureId: string;
  /** Failed polls in a row. */
  readonly failures: number;
  constructor(init: { futureId: string; failures: number; cause: unknown }) {
    super(`Gave up on future ${init.futureId} after ${init.failures} failed polls in a row; the last: ${describeFailure(init.cause)}`, {
      cause: init.cause,
    });
    this.futureId = init.futureId;
    this.failures = init.failures;
  }
  protected override describe(): Record<string, unknown> {
    return { futureId: this.futureId, failures: this.failures };
  }
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
