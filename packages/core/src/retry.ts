import { retryAfterFrom, retryWait } from './backoff.js';
import { bodyLimit, readBoundedBody } from './bounded-body.js';
import { releaseSlot } from './connection-cap.js';
import { errorCode, failedBeforeSend } from './connection-error.js';
import { APIConnectionError, APITimeoutError, APIUserAbortError } from './errors.js';
import { type Logger, SILENT } from './logger.js';
import type { Fetch } from './request-options.js';
import { retryAdvice } from './retry-advice.js';
import { announceWait, type RetryWait } from './retry-wait.js';
import { sleep } from './sleep.js';
import { TrainwireError } from './trainwire-error.js';

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
  /** Statuses the service declares conflicts: never retried (`x-conflict-statuses`). @default undefined (409 is a lock timeout) */
  conflictStatuses?: readonly number[] | undefined;
  /** Told of every wait before a retry, with its reason (e.g. a 503's `Retry-After`). @default undefined */
  onWait?: ((wait: RetryWait) => void) | undefined;
  /**
   * With `bufferResponse`: put the final body in `body` and return a Response without one, for a
   * caller that reads `body` itself (saves copying the bytes into a new Response). @default false
   */
  captureBody?: boolean | undefined;
  /** Largest body read into memory; an error body is capped at 1 MiB. @default 64 MiB (see `bodyLimit`) */
  maxResponseBytes?: number | undefined;
  /** Written by withRetry with `captureBody`: the final response's body. */
  body?: Uint8Array | undefined;
  /** Written by withRetry: attempts made so far. */
  attempts: number;
}

const NOTHING = (): void => {};
// Larger delays overflow the timer and fire at once (Node prints a TimeoutOverflowWarning).
const LONGEST_TIMER = 2_147_483_647;
// Statuses whose Response may not have a body (the constructor throws if given one).
const NULL_BODY = [101, 103, 204, 205, 304];

/**
 * Wrap `fetch` so each call is retried: on connection errors, timeouts, 408, 409, 429 and 5xx but 501 (or
 * as `x-should-retry` says), with backoff or the server's `Retry-After`, and a write only when
 * a retry is safe (an idempotency key, or a connection that was never made). Each attempt sends
 * a fresh clone of the request. (The transport does not go through here: it calls
 * {@link retryAttempts} with one `fetch(url, init)` per attempt.)
 */
export function withRetry(fetch: Fetch, context: RetryContext): Fetch {
  return (request, init) => {
    const callers: AbortSignal[] = [];
    for (const signal of [context.signal, request.signal]) if (signal && !callers.includes(signal)) callers.push(signal);
    const { streamingBody, replayBody } = context;
    const safe = context.idempotent || Boolean(context.idempotencyHeader && request.headers.get(context.idempotencyHeader));
    return retryAttempts(
      (signal, attempt) =>
        // A bodyless request is sent again as it is; a body is re-sent from `replayBody` when the
        // caller gave it (fetch then sends it from its source rather than piping the Request's
        // body stream), else each attempt sends a clone of the pristine request.
        fetch(
          request.body === null || streamingBody
            ? request
            : replayBody === undefined
              ? request.clone()
              : attempt === 1
                ? request
                : new Request(request, { body: replayBody }),
          replayBody === undefined || streamingBody ? { ...init, signal } : { ...init, signal, body: replayBody },
        ),
      context,
      request.method,
      request.url,
      safe,
      callers,
    );
  };
}

/**
 * The retry loop of one logical call: `send(signal, attempt)` makes one attempt (one fetch) with
 * the attempt's signal, which aborts on the per-attempt timeout, the total deadline or a caller's
 * abort (`callers`). Retries as {@link withRetry} says; `safe` means a write may be repeated.
 * Returns the final response (its body read into `context.body` with `captureBody`), or throws.
 */
export async function retryAttempts(
  send: (signal: AbortSignal, attempt: number) => Promise<Response>,
  context: RetryContext,
  method: string,
  url: string,
  safe: boolean,
  callers: readonly AbortSignal[],
): Promise<Response> {
  const { timeout, totalTimeout, logger, streamingBody, captureBody } = context;
  const deadline = totalTimeout === undefined ? undefined : Date.now() + totalTimeout;
  const maxAttempts = streamingBody ? 1 : (context.maxRetries > 0 ? Math.floor(context.maxRetries) : 0) + 1;
  const buffer = context.bufferResponse ?? true;
  const debug = logger && logger.debug !== SILENT ? logger : undefined;
  context.attempts = 0;

  for (let retry = 0; ; retry += 1) {
    let error: TrainwireError | undefined = userAbort(callers);
    if (error) throw error;
    const attempt = ++context.attempts;
    const attemptStarted = deadline === undefined && !debug ? 0 : Date.now();
    // The wait before the next attempt, or undefined when this attempt must be the last: a wait
    // that ends at or past the deadline would leave the next attempt no time at all.
    let askedToWait = false;
    const nextDelay = (allowed: boolean, headers?: Headers): number | undefined => {
      if (!allowed || attempt >= maxAttempts) return undefined;
      const requested = retryAfterFrom(headers);
      askedToWait = requested !== undefined;
      const delay = retryWait(retry, requested);
      return deadline !== undefined && Date.now() + delay >= deadline ? undefined : delay;
    };

    const controller = new AbortController();
    // Abort the attempt: its fetch through the signal, and what it awaits (`guarded`) at once,
    // even when the fetch ignores the signal.
    let stoppedBy: { reason: unknown } | undefined;
    let interrupt: (reason: unknown) => void = NOTHING;
    const stop = (reason: unknown): void => {
      if (stoppedBy) return;
      stoppedBy = { reason };
      controller.abort(reason);
      interrupt(reason);
    };
    // `work`, or the attempt's stop reason as soon as it stops (one promise, no race).
    const guarded = <T>(work: Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (stoppedBy) return reject(stoppedBy.reason);
        interrupt = reject;
        work.then(resolve, reject);
      });
    // A streamed body is read after the attempt returns, so its link to the caller must outlive
    // the attempt without pinning it: `AbortSignal.any` holds its sources weakly.
    const weak = !buffer && callers.length > 0 && typeof AbortSignal.any === 'function';
    const signal = weak ? AbortSignal.any([...callers, controller.signal]) : controller.signal;
    if (weak) signal.addEventListener('abort', () => stop(signal.reason), { once: true });
    const unlink = weak ? NOTHING : forward(callers, stop);
    const remaining = deadline === undefined ? undefined : deadline - attemptStarted;
    const byDeadline = remaining !== undefined && !(remaining > (timeout ?? Number.POSITIVE_INFINITY));
    const limit = byDeadline ? remaining : timeout;
    let expired = false;
    const timer =
      limit !== undefined && limit <= LONGEST_TIMER
        ? setTimeout(() => {
            expired = true;
            stop(new DOMException('The operation timed out.', 'TimeoutError'));
          }, limit)
        : undefined;
    (timer as { unref?: () => void } | undefined)?.unref?.();

    let sent: Promise<Response> | undefined;
    let response: Response | undefined;
    let delay: number | undefined;
    let reason: unknown;
    let keepSignal = false;
    let stage = 'Connection error.';
    try {
      // A send that throws instead of rejecting lands in the catch below all the same.
      sent = send(signal, attempt);
      response = await guarded(sent);
      const status = response.status;
      reason = status;
      const advice = retryAdvice(status, response.headers, context.conflictStatuses);
      delay = advice === 'never' ? undefined : nextDelay(safe || advice === 'always', response.headers);
      // An error body is read here even for a streamed call: the caller gets it as a typed error.
      if (delay === undefined && (buffer || !response.ok) && status >= 200) {
        // Read the whole body inside the attempt, so that a body cut short or stalled fails
        // here rather than later in the caller's parser.
        stage = 'Connection error while reading the response body.';
        const bytes = response.body === null ? null : await guarded(readBoundedBody(response, bodyLimit(status, context.maxResponseBytes)));
        // The connection is back in the pool: its slot of the connection cap is free.
        releaseSlot(response);
        if (captureBody) context.body = bytes ?? new Uint8Array(0);
        // A 2xx whose body was captured goes on as it is (its body is read: nobody reads it again);
        // anything else gets a copy with the bytes (or none) for the caller to read.
        if (!(captureBody && response.ok)) {
          const copy = new Response(captureBody || NULL_BODY.includes(status) ? null : bytes, response);
          // The constructor cannot set `url`; keep it for the error messages that quote it.
          if (response.url) Object.defineProperty(copy, 'url', { value: response.url });
          response = copy;
        }
      }
      if (debug) report(debug, method, url, attempt, attemptStarted, { status }, status);
      keepSignal = delay === undefined && !buffer;
    } catch (cause) {
      // A response that comes after all is released.
      sent?.then(discardBody, NOTHING);
      response = undefined;
      let maybeSent = true;
      error = userAbort(callers);
      // Refused outright (a redirect, a body over the limit): another attempt would meet the same.
      if (!error && !expired && cause instanceof TrainwireError && !cause.retryable) error = cause;
      if (!error && byDeadline && expired) {
        error = new APITimeoutError({
          message: `Request timed out: the total deadline of ${totalTimeout} ms passed.`,
          cause,
          attempts: attempt,
        });
      }
      if (!error) {
        error = expired
          ? new APITimeoutError({ message: `Request timed out after ${timeout} ms.`, cause, attempts: attempt })
          : new APIConnectionError({ message: stage, cause, attempts: attempt });
        maybeSent = expired || !failedBeforeSend(cause);
        delay = nextDelay(safe || !maybeSent);
      }
      reason = errorCode(error.cause) ?? error.message;
      if (debug) report(debug, method, url, attempt, attemptStarted, { error: reason }, reason);
    } finally {
      clearTimeout(timer);
      if (!keepSignal) unlink();
    }
    if (delay === undefined) {
      if (response) return response;
      throw error;
    }
    if (response) discardBody(response);
    announceWait(
      {
        type: 'wait',
        target: `${method} ${withoutQuery(url)}`,
        delay,
        retryAfter: askedToWait,
        status: response?.status,
        reason: String(reason),
        attempt: attempt + 1,
        maxAttempts,
      },
      logger,
      context.onWait,
    );
    const wait = new AbortController();
    const stopWaiting = forward(callers, (reason) => wait.abort(reason));
    try {
      await sleep(delay, wait.signal);
    } catch {
      // Only a caller's abort ends the wait early.
    } finally {
      stopWaiting();
    }
  }
}

/** The caller's abort as an error, when one of `callers` has aborted. */
function userAbort(callers: readonly AbortSignal[]): APIUserAbortError | undefined {
  for (const signal of callers) if (signal.aborted) return new APIUserAbortError({ cause: signal.reason });
}

/** The `debug` line of one attempt (never headers; the URL without its query). */
function report(
  logger: Logger,
  method: string,
  url: string,
  attempt: number,
  started: number,
  fields: Record<string, unknown>,
  summary: unknown,
): void {
  const ms = Date.now() - started;
  const path = withoutQuery(url);
  logger.debug(`${method} ${path} attempt ${attempt}: ${summary} (${ms} ms)`, { method, url: path, attempt, ...fields, ms });
}

/** Call `abort` with the reason when any of `signals` aborts; the returned function detaches it again. */
function forward(signals: readonly AbortSignal[], abort: (reason: unknown) => void): () => void {
  if (signals.length === 0) return NOTHING;
  const onAbort = (event: Event): void => abort((event.target as AbortSignal).reason);
  for (const signal of signals) {
    if (signal.aborted) abort(signal.reason);
    else signal.addEventListener('abort', onAbort);
  }
  return () => {
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
  };
}

/** Release the connection behind a response nobody will read. */
function discardBody(response: Response): void {
  releaseSlot(response);
  response.body?.cancel().catch(NOTHING);
}

// Query strings can hold presigned tokens; logs show the path only.
function withoutQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
