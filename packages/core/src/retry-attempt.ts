import { failedBeforeSend } from './connection-error.js';
import { APIConnectionError, APITimeoutError, APIUserAbortError } from './errors.js';
import type { Fetch } from './request-options.js';
import { bufferedResponse } from './retry-buffered-response.js';
import { type LinkedSignal, linkSignals, raceSignal, startTimer } from './signals.js';
import type { TrainwireError } from './trainwire-error.js';

/** Why an attempt failed, and whether another one may follow. */
export interface AttemptFailure {
  error: TrainwireError;
  /** The caller aborted or the total deadline passed: no further attempt whatever the policy. */
  final: boolean;
  /** The request may have reached the server (false only when the connection was never made). */
  maybeSent: boolean;
}

/** What an attempt gave: a response, or a failure. */
export type AttemptOutcome = { response: Response } | { failure: AttemptFailure };

/** Everything one {@link RetryAttempt} needs. */
export interface RetryAttemptOptions {
  fetch: Fetch;
  /** What this attempt sends (withRetry decides whether that is the request itself or a copy). */
  request: Request;
  init: RequestInit | undefined;
  /** The caller's signals: aborting any of them aborts the attempt with `APIUserAbortError`. */
  callerSignals: readonly AbortSignal[];
  /** 1 for the first attempt. */
  number: number;
  /** Per-attempt timeout in milliseconds. */
  timeout: number | undefined;
  /** `Date.now()` value at which the whole call times out. */
  deadline: number | undefined;
  totalTimeout: number | undefined;
  /** The response body will be streamed after the attempt returns, so the signal link must outlive it. */
  streamResponse: boolean;
}

type Expiry = 'timeout' | 'deadline';

/**
 * One try at a request: a clone of it, a signal that joins the caller's signal with the
 * per-attempt and total timeouts, and a timer. `close()` stops the timer and detaches the signal.
 */
export class RetryAttempt {
  readonly #options: RetryAttemptOptions;
  readonly #controller = new AbortController();
  readonly #link: LinkedSignal;
  readonly #stopTimer: () => void;
  #expired: Expiry | undefined;

  constructor(options: RetryAttemptOptions) {
    this.#options = options;
    this.#link = options.streamResponse
      ? linkSignals([...options.callerSignals, this.#controller.signal], { weak: true })
      : forwardAborts(options.callerSignals, this.#controller);
    const remaining = options.deadline === undefined ? undefined : options.deadline - Date.now();
    const expiry: Expiry = remaining !== undefined && !(remaining > (options.timeout ?? Number.POSITIVE_INFINITY)) ? 'deadline' : 'timeout';
    const limit = expiry === 'deadline' ? remaining : options.timeout;
    this.#stopTimer =
      limit === undefined
        ? () => {}
        : startTimer(limit, () => {
            this.#expired = expiry;
            this.#controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
          });
  }

  /** Send the request; resolves once the response headers are in. */
  async send(): Promise<AttemptOutcome> {
    const { fetch, request, init } = this.#options;
    const signal = this.#link.signal;
    try {
      // The signal rides in `init` (a new Request per attempt would cost more than the call itself);
      // a fetch that ignores `init` is still cut off by the race.
      const sent = Promise.resolve().then(() => fetch(request, { ...init, signal }));
      return { response: await raceSignal(sent, signal, discardBody) };
    } catch (error) {
      return { failure: this.#failure(error, 'Connection error.') };
    }
  }

  /** Read the whole body of `response`, still under this attempt's timeouts. */
  async read(response: Response, capture?: (bytes: Uint8Array) => void): Promise<AttemptOutcome> {
    try {
      return { response: await raceSignal(bufferedResponse(response, capture), this.#link.signal, () => {}) };
    } catch (error) {
      return { failure: this.#failure(error, 'Connection error while reading the response body.') };
    }
  }

  /**
   * Stop the timer. With `keepSignal` the caller's signal stays wired to the attempt, so that it
   * can still abort a response body being streamed after the attempt returned.
   */
  close(keepSignal = false): void {
    this.#stopTimer();
    if (!keepSignal) this.#link.unlink();
  }

  #failure(cause: unknown, message: string): AttemptFailure {
    const { callerSignals, number: attempts, timeout, totalTimeout } = this.#options;
    const aborted = callerSignals.find((signal) => signal.aborted);
    if (aborted) return { error: new APIUserAbortError({ cause: aborted.reason }), final: true, maybeSent: true };
    if (this.#expired === 'deadline') {
      const error = new APITimeoutError({
        message: `Request timed out: the total deadline of ${totalTimeout} ms passed.`,
        cause,
        attempts,
      });
      return { error, final: true, maybeSent: true };
    }
    if (this.#expired === 'timeout') {
      return {
        error: new APITimeoutError({ message: `Request timed out after ${timeout} ms.`, cause, attempts }),
        final: false,
        maybeSent: true,
      };
    }
    return { error: new APIConnectionError({ message, cause, attempts }), final: false, maybeSent: !failedBeforeSend(cause) };
  }
}

/**
 * Abort `controller` when any of `signals` aborts: one controller per attempt rather than a second,
 * linked one (each AbortController costs a few microseconds on Node 20).
 */
function forwardAborts(signals: readonly AbortSignal[], controller: AbortController): LinkedSignal {
  const onAbort = (event: Event): void => controller.abort((event.target as AbortSignal).reason);
  for (const signal of signals) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', onAbort);
  }
  return {
    signal: controller.signal,
    unlink: () => {
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Release the connection behind a response nobody will read. */
export function discardBody(response: Response): void {
  response.body?.cancel().catch(() => {});
}
