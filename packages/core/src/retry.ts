import { errorCode } from './connection-error.js';
import { APIUserAbortError } from './errors.js';
import type { Logger } from './logger.js';
import type { Fetch } from './request-options.js';
import { retryAdvice } from './retry-advice.js';
import { type AttemptFailure, discardBody, RetryAttempt } from './retry-attempt.js';
import { retryDelay } from './retry-delay.js';
import { linkSignals } from './signals.js';
import { sleep } from './sleep.js';
import type { TrainwireError } from './trainwire-error.js';

/** How one logical call is retried; `attempts` is written back as it goes. */
export interface RetryContext {
  /** Retries after the first attempt; 0 turns retrying off. */
  maxRetries: number;
  /** Per-attempt timeout in milliseconds. @default undefined (none) */
  timeout?: number | undefined;
  /** Overall deadline in milliseconds for all attempts and the waits between them, from the first attempt. @default undefined (none) */
  totalTimeout?: number | undefined;
  /** The caller's signal: aborting it stops the call with `APIUserAbortError`, never retried. */
  signal?: AbortSignal | undefined;
  /** The method or the operation is idempotent (GET/HEAD/OPTIONS/PUT/DELETE, or x-idempotent). */
  idempotent: boolean;
  /** Name of the header that carries an idempotency key, if the service has one. @default undefined */
  idempotencyHeader?: string | null | undefined;
  /** Read the whole response body inside the attempt; false for streamed downloads. @default true */
  bufferResponse?: boolean | undefined;
  /** The request body is a one-shot stream, so the request is sent exactly once. @default false */
  streamingBody?: boolean | undefined;
  /**
   * The request's body as serialized, so a retry can rebuild the request from it instead of
   * cloning every request up front. @default undefined (clone)
   */
  replayBody?: BodyInit | null | undefined;
  /** Gets a `debug` line per attempt and an `info` line per retry; never headers. @default undefined */
  logger?: Logger | undefined;
  /**
   * With `bufferResponse`: put the final body in `body` and return a Response without one, for a
   * caller that reads `body` itself (saves copying the bytes into a new Response). @default false
   */
  captureBody?: boolean | undefined;
  /** Written by withRetry with `captureBody`: the final response's body. */
  body?: Uint8Array | undefined;
  /** Written by withRetry: attempts made so far. */
  attempts: number;
}

/** What to do after an attempt. */
type Step = { done: Response } | { fail: TrainwireError } | { retryIn: number; reason: string };

/**
 * Wrap `fetch` so each call is retried: on connection errors, timeouts, 408, 409, 429 and 5xx (or
 * as `x-should-retry` says), with backoff or the server's `Retry-After`, and a write only when
 * a retry is safe (an idempotency key, or a connection that was never made). Each attempt sends
 * a fresh clone of the request.
 */
export function withRetry(fetch: Fetch, context: RetryContext): Fetch {
  return async (request, init) => {
    const callerSignals = [...new Set([context.signal, request.signal])].filter((signal): signal is AbortSignal => signal !== undefined);
    const userAbort = (): APIUserAbortError | undefined => {
      const aborted = callerSignals.find((signal) => signal.aborted);
      return aborted && new APIUserAbortError({ cause: aborted.reason });
    };
    context.attempts = 0;
    const aborted = userAbort();
    if (aborted) throw aborted;

    const { timeout, totalTimeout, logger } = context;
    const deadline = totalTimeout === undefined ? undefined : Date.now() + totalTimeout;
    const maxAttempts = context.streamingBody ? 1 : (context.maxRetries > 0 ? Math.floor(context.maxRetries) : 0) + 1;
    const keyed = Boolean(context.idempotencyHeader && request.headers.get(context.idempotencyHeader));
    const safe = context.idempotent || keyed;
    const bufferResponse = context.bufferResponse ?? true;
    const target = `${request.method} ${withoutQuery(request.url)}`;

    // What attempt n sends. A bodyless request can be sent again as it is; a body is re-sent from
    // `replayBody` when the caller gave it, else each attempt sends a clone of the pristine request.
    const replay = context.replayBody;
    const requestFor = (attempt: number): Request => {
      if (request.body === null || context.streamingBody) return request;
      if (replay !== undefined) return attempt === 1 ? request : new Request(request, { body: replay });
      return request.clone();
    };

    // The wait before the next attempt, or undefined when this attempt must be the last.
    const nextDelay = (retry: number, allowed: boolean, headers?: Headers): number | undefined => {
      if (!allowed || context.attempts >= maxAttempts) return undefined;
      const delay = retryDelay(retry, headers);
      // A wait that ends at or past the deadline would leave the next attempt no time at all.
      return deadline !== undefined && Date.now() + delay >= deadline ? undefined : delay;
    };

    const attemptOnce = async (retry: number): Promise<Step> => {
      context.attempts += 1;
      const started = Date.now();
      const attempt = new RetryAttempt({
        fetch,
        request: requestFor(context.attempts),
        init,
        callerSignals,
        number: context.attempts,
        timeout,
        deadline,
        totalTimeout,
        streamResponse: !bufferResponse,
      });
      let keepSignal = false;
      const report = (result: Record<string, unknown>, summary: string): void => {
        const milliseconds = Date.now() - started;
        logger?.debug(`${target} attempt ${context.attempts}: ${summary} (${milliseconds} ms)`, {
          method: request.method,
          url: withoutQuery(request.url),
          attempt: context.attempts,
          ...result,
          ms: milliseconds,
        });
      };
      try {
        let outcome = await attempt.send();
        if ('response' in outcome) {
          const response = outcome.response;
          const advice = retryAdvice(response);
          const delay = advice === 'never' ? undefined : nextDelay(retry, safe || advice === 'always', response.headers);
          if (delay !== undefined) {
            report({ status: response.status }, String(response.status));
            discardBody(response);
            return { retryIn: delay, reason: String(response.status) };
          }
          if (bufferResponse) outcome = await attempt.read(response, context.captureBody ? (bytes) => (context.body = bytes) : undefined);
          else keepSignal = true;
        }
        if ('response' in outcome) {
          report({ status: outcome.response.status }, String(outcome.response.status));
          return { done: outcome.response };
        }
        const failure = outcome.failure;
        const reason = failureReason(failure);
        report({ error: reason }, reason);
        const delay = failure.final ? undefined : nextDelay(retry, safe || !failure.maybeSent);
        return delay === undefined ? { fail: failure.error } : { retryIn: delay, reason };
      } finally {
        attempt.close(keepSignal);
      }
    };

    for (let retry = 0; ; retry += 1) {
      const step = await attemptOnce(retry);
      if ('done' in step) return step.done;
      if ('fail' in step) throw step.fail;
      logger?.info(`Retrying ${target} in ${step.retryIn} ms (attempt ${context.attempts + 1} of ${maxAttempts}): ${step.reason}`);
      const caller = linkSignals(callerSignals);
      try {
        await sleep(step.retryIn, caller.signal);
      } catch (error) {
        throw userAbort() ?? error;
      } finally {
        caller.unlink();
      }
    }
  };
}

/** A short reason for a failed attempt: the socket error code, else the message. */
function failureReason(failure: AttemptFailure): string {
  return errorCode(failure.error.cause) ?? failure.error.message;
}

// Query strings can hold presigned tokens; logs show the path only.
function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
