import {
  APIPromise,
  FutureCancelledError as CoreFutureCancelledError,
  FuturePollingError as CoreFuturePollingError,
  FutureTimeoutError as CoreFutureTimeoutError,
  exponentialBackoff,
  Future,
  type FutureOptions,
  type FutureResultOptions,
  type Logger,
  type PollResult,
  type RequestOptions,
} from '@trainwire/core';
import {
  DPBudgetExceededError,
  FutureCancelledError,
  FutureFailedError,
  FuturePollingError,
  FutureTimeoutError,
} from './tensafe-errors.js';
import type { FutureResponse, FutureResultResponse } from './tensafe-types.js';

/**
 * A TenSafe future (`tg_tinker.FutureHandle`): a core `Future` (await it, `result({ timeout })`,
 * `isDone()`, `onProgress`, `serialize()`) plus the server's `status()` and `cancel()`.
 */
export type TenSafeFuture<T> = Future<T> & {
  /** The server's view of the future (`pending`, `running`, `completed`, `failed`, `cancelled`). */
  status(options?: RequestOptions): Promise<FutureResponse>;
  /** Ask the server to cancel it; false when it had already finished. */
  cancel(options?: RequestOptions): Promise<boolean>;
};

/** The three future endpoints, as the service client calls them. */
export interface FutureCalls {
  /** Where a future logs its waits after failed polls (`info`). */
  logger?: Logger | undefined;
  status(futureId: string, options?: RequestOptions): Promise<FutureResponse>;
  result(futureId: string, options?: RequestOptions): APIPromise<FutureResultResponse>;
  cancel(futureId: string, options?: RequestOptions): Promise<{ success: boolean }>;
}

/** The kind written into a TenSafe future's token; `resumeFuture` accepts no other. */
export const TENSAFE_FUTURE_KIND = 'tensafe.future';

/**
 * Failed polls in a row after which a TenSafe future gives up with {@link FuturePollingError}.
 * Each poll already tried its request `retryCount` + 1 times, so 3 is 12 server errors in a row by
 * default, about 15 s; `tg_tinker` itself raises at the first 500 of `/result`.
 */
export const TENSAFE_MAX_POLL_FAILURES = 3;

/** The `CODE:` a failure message may start with (e.g. `DP_BUDGET_EXCEEDED: epsilon 8.4 > 8.0`). */
const CATEGORY = /^([A-Z][A-Z0-9_]{2,}):\s*/;

/**
 * Follow a TenSafe future: poll `GET /v1/futures/{id}` with backoff from `pollInterval`; on
 * `completed` read `/result`; `failed` rejects with {@link FutureFailedError} (its category is the
 * message's `CODE:`), `cancelled` with {@link FutureCancelledError}; a `result({ timeout })` that runs out rejects with
 * {@link FutureTimeoutError}; {@link TENSAFE_MAX_POLL_FAILURES} failed polls in a row with {@link FuturePollingError}.
 */
export function tenSafeFuture<T>(
  source: { id: string } | { submit: () => Promise<FutureResponse> | APIPromise<FutureResponse> },
  calls: FutureCalls,
  settings: { pollInterval: number; options?: RequestOptions | undefined },
): TenSafeFuture<T> {
  const follow = (futureId: string): FutureOptions<T> => ({
    id: futureId,
    kind: TENSAFE_FUTURE_KIND,
    logger: calls.logger,
    maxFailures: TENSAFE_MAX_POLL_FAILURES,
    strategy: exponentialBackoff({ initial: settings.pollInterval, factor: 1.5, max: Math.max(settings.pollInterval, 10_000) }),
    poll: ({ signal, respond }) => pollOnce<T>(futureId, calls, { ...settings.options, signal }, respond),
  });
  // The submit request's response stays with the future (`submitResponse()`).
  const submit = async () => {
    const pending = (source as { submit: () => Promise<FutureResponse> }).submit();
    const { data, response } = pending instanceof APIPromise ? await pending.withResponse() : { data: await pending, response: undefined };
    return { ...follow(data.future_id), response };
  };
  const future = 'id' in source ? new Future<T>(follow(source.id)) : Future.submit(submit);
  const result = future.result.bind(future);
  return Object.assign(future, {
    result: (options?: FutureResultOptions) =>
      result(options).catch((error: unknown) => {
        throw asTenSafeError(error);
      }),
    status: async (options?: RequestOptions) => calls.status(await future.submitted(), { ...settings.options, ...options }),
    cancel: async (options?: RequestOptions) => (await calls.cancel(await future.submitted(), { ...settings.options, ...options })).success,
  });
}

/** Core's own timeout, cancellation and polling errors, as their TenSafe subclasses (so `instanceof TGTinkerError` holds). */
function asTenSafeError(error: unknown): unknown {
  if (error instanceof CoreFuturePollingError && !(error instanceof FuturePollingError)) {
    return new FuturePollingError({ futureId: error.futureId, failures: error.failures, cause: error.cause });
  }
  if (error instanceof CoreFutureTimeoutError && !(error instanceof FutureTimeoutError)) {
    return new FutureTimeoutError({ futureId: error.futureId, timeout: error.timeout });
  }
  if (error instanceof CoreFutureCancelledError && !(error instanceof FutureCancelledError)) {
    return new FutureCancelledError({ futureId: error.futureId, reason: error.reason });
  }
  return error;
}

async function pollOnce<T>(
  futureId: string,
  calls: FutureCalls,
  options: RequestOptions,
  respond: (response: Response) => void,
): Promise<PollResult<T>> {
  const status = await calls.status(futureId, options);
  switch (status.status) {
    case 'completed': {
      // The response that carried the result is the future's (withResponse).
      const { data, response } = await calls.result(futureId, options).withResponse();
      respond(response);
      return { state: 'done', value: data.result as T };
    }
    case 'failed': {
      const message = (await calls.result(futureId, options)).error ?? 'Unknown error';
      const category = CATEGORY.exec(message)?.[1];
      const init = { futureId, error_message: message, category };
      return { state: 'failed', error: category === 'DP_BUDGET_EXCEEDED' ? new DPBudgetExceededError(init) : new FutureFailedError(init) };
    }
    case 'cancelled':
      return { state: 'cancelled' };
    default:
      return {
        state: 'pending',
        progress: { status: status.status, operation: status.operation, started_at: status.started_at ?? null },
      };
  }
}
