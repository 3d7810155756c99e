import { APIPromise } from './api-promise.js';
import { POLL_BACKOFF, retryWait } from './backoff.js';
import { APIUserAbortError, InvalidRequestError } from './errors.js';
import { FutureCancelledError, FuturePollingError, FutureTimeoutError, InvalidFutureTokenError } from './future-errors.js';
import { parseFutureToken, type SavedFuture, serializeFuture } from './future-token.js';
import { isTransientPollError } from './future-transient.js';
import type { Logger } from './logger.js';
import { exponentialBackoff, type PollStrategy } from './poll-strategy.js';
import { requestIdFrom } from './request-id.js';
import { announceWait, waitAfterFailure } from './retry-wait.js';
import { sleep } from './sleep.js';
import { TrainwireError } from './trainwire-error.js';

/** What one poll of a long-running operation found. */
export type PollResult<T> =
  | { state: 'done'; value: T }
  /** `retryAfter`: milliseconds the server asks to wait before the next poll. */
  | { state: 'pending'; progress?: unknown; retryAfter?: number }
  /** The future rejects with exactly `error`. */
  | { state: 'failed'; error: Error }
  /** The future rejects with a {@link FutureCancelledError}. */
  | { state: 'cancelled'; reason?: string };

/** Passed to each poll: `signal` aborts when no one waits any more; `attempt` counts polls from 0. */
export interface PollContext {
  signal: AbortSignal;
  attempt: number;
  /** Name the HTTP response of this poll; the one of the poll that settles is {@link Future.withResponse}'s. */
  respond(response: Response): void;
}

/** Where a {@link Future} stands, as far as its last poll knows. */
export type FutureState = 'pending' | 'done' | 'failed' | 'cancelled';

/** How a {@link Future} polls its operation. */
export interface FutureOptions<T> {
  /** The operation's id, as the server names it. */
  id: string;
  /** Ask the server once how the operation stands. */
  poll: (context: PollContext) => Promise<PollResult<T>>;
  /** Delays between pending polls (a pending result's `retryAfter` wins). @default exponentialBackoff() */
  strategy?: PollStrategy;
  /**
   * Which errors thrown by `poll` are transient: the future keeps polling, waiting what a
   * `Retry-After` asks (at most 60 s) or a backoff of 1 s doubling up to 30 s, reset by a poll
   * that gets an answer.
   * @default isTransientPollError: the error's `retryable` (connection errors, timeouts, 408, 429, 5xx but 501)
   */
  isTransient?: (error: unknown) => boolean;
  /**
   * Transient failures in a row after which the future gives up with a {@link FuturePollingError}
   * naming the last one (about 2.5 minutes of backoff with the default). @default 10
   */
  maxFailures?: number | undefined;
  /** Gets an `info` line for every wait after a failed poll. @default undefined */
  logger?: Logger | undefined;
  /** A tag written by `serialize()`, so a service knows which poll to rebuild on resume. */
  kind?: string;
  /** JSON-safe data written by `serialize()`, from which a service rebuilds the poll on resume. */
  data?: Record<string, unknown>;
  /** The response of the request that started the operation, for {@link Future.submitResponse}. */
  response?: Response | undefined;
}

/**
 * A future's value with the HTTP response of the poll that brought it (`undefined` when no poll
 * did, e.g. `Future.resolve`) and that response's request id.
 */
export interface FutureWithResponse<T> {
  data: T;
  response: Response | undefined;
  requestId: string | undefined;
}

/** Options of {@link Future.result}. */
export interface FutureResultOptions {
  /** Reject this wait (only) with a {@link FutureTimeoutError} after this many milliseconds. */
  timeout?: number;
  /** Reject this wait (only) with an `APIUserAbortError` when it aborts. */
  signal?: AbortSignal;
}

/** Marks a future made by {@link Future.submit} whose options are not known yet. */
const SUBMITTING = Symbol('submitting');

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
/** After a poll: settled, or wait `delay` ms; `undefined` when the poll was abandoned. */
type Step = { settled: true } | { settled: false; delay: number } | undefined;
interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  release(): void;
}

/**
 * A long-running operation on the server, awaitable like a promise. Polling starts with the first
 * waiter, is shared by all of them, and stops when none is left.
 */
export class Future<T> implements PromiseLike<T> {
  #options: FutureOptions<T> | undefined;
  /** Set while the operation is being submitted (see {@link Future.submit}). */
  #submission: Promise<FutureOptions<T>> | undefined;
  #strategy: PollStrategy = exponentialBackoff();
  #isTransient: (error: unknown) => boolean = isTransientPollError;
  #maxFailures = DEFAULT_MAX_FAILURES;
  readonly #waiters = new Set<Waiter<T>>();
  readonly #listeners = new Set<(progress: unknown) => void>();
  #state: FutureState = 'pending';
  #outcome: Outcome<T> | undefined;
  #loop: AbortController | undefined;
  #poll: { controller: AbortController; step: Promise<Step> } | undefined;
  /** `isDone()` calls waiting on a poll; they keep it from being aborted. */
  #checks = 0;
  #attempt = 0;
  #lastResponse: Response | undefined;
  #pendingCount = 0;
  #failures = 0;

  constructor(options: FutureOptions<T>) {
    if ((options as unknown) !== SUBMITTING) this.#adopt(options);
  }

  /**
   * Start an operation now and follow it: `submit` sends the request (once) and returns how to
   * poll it. The future is usable at once; its `id` is known when {@link Future.submitted} resolves.
   * A failed submission rejects every waiter with its error.
   */
  static submit<T>(submit: () => Promise<FutureOptions<T>>): Future<T> {
    const future = new Future<T>(SUBMITTING as unknown as FutureOptions<T>);
    future.#init(submit());
    return future;
  }

  /** The operation's id. Throws while a {@link Future.submit} request is still in flight. */
  get id(): string {
    if (!this.#options) throw new TrainwireError('The operation has not been submitted yet: await future.submitted() for its id.');
    return this.#options.id;
  }

  /** Resolves with the id once the operation has been submitted; rejects if submitting failed. */
  async submitted(): Promise<string> {
    return (this.#options ?? (await this.#submission))?.id as string;
  }

  #init(submission: Promise<FutureOptions<T>>): void {
    this.#submission = submission.then((options) => {
      this.#adopt(options);
      return options;
    });
    // Surfaced to waiters through the first poll; never an unhandled rejection.
    this.#submission.catch(() => undefined);
  }

  #adopt(options: FutureOptions<T>): void {
    this.#options = options;
    this.#submission = undefined;
    this.#strategy = options.strategy ?? exponentialBackoff();
    this.#isTransient = options.isTransient ?? isTransientPollError;
    const { maxFailures } = options;
    if (maxFailures !== undefined && !(Number.isInteger(maxFailures) && maxFailures >= 1))
      throw new InvalidRequestError('maxFailures', 'must be a whole number >= 1');
    this.#maxFailures = maxFailures ?? DEFAULT_MAX_FAILURES;
  }

  /** The name to use in messages: the id, or a placeholder before submission. */
  get #label(): string {
    return this.#options?.id ?? '(not yet submitted)';
  }

  /** Last known state: 'pending' | 'done' | 'failed' | 'cancelled'. */
  get state(): FutureState {
    return this.#state;
  }

  // biome-ignore lint/suspicious/noThenProperty: PromiseLike by design; await future ≡ future.result().
  then<Fulfilled = T, Rejected = never>(
    onfulfilled?: ((value: T) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.result().then(onfulfilled, onrejected);
  }

  catch<Rejected = never>(onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null): Promise<T | Rejected> {
    return this.result().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.result().finally(onfinally);
  }

  /**
   * Wait for the value, as {@link Future.result} does, and give it with the response of the poll
   * that brought it and its request id. The submit request's response is {@link Future.submitResponse}.
   */
  async withResponse(options?: FutureResultOptions): Promise<FutureWithResponse<T>> {
    const data = await this.result(options);
    const response = this.#lastResponse;
    return { data, response, requestId: requestIdFrom(response?.headers) };
  }

  /**
   * Once submitted: the id with the response (and request id) of the request that started the
   * operation; `response` is `undefined` for a future resumed from a token or made without a request.
   * Rejects if submitting failed.
   */
  async submitResponse(): Promise<{ id: string; response: Response | undefined; requestId: string | undefined }> {
    const options = this.#options ?? (await this.#submission);
    const response = options?.response;
    return { id: options?.id as string, response, requestId: requestIdFrom(response?.headers) };
  }

  /** Wait for the operation's value; `timeout` and `signal` end this wait only, not the operation. */
  result(options: FutureResultOptions = {}): Promise<T> {
    const { timeout, signal } = options;
    if (signal?.aborted)
      return Promise.reject(new APIUserAbortError({ message: `Stopped waiting for future ${this.#label}.`, cause: signal.reason }));
    if (this.#outcome) return this.#outcome.ok ? Promise.resolve(this.#outcome.value) : Promise.reject(this.#outcome.error);
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () =>
        this.#leave(waiter, new APIUserAbortError({ message: `Stopped waiting for future ${this.#label}.`, cause: signal?.reason }));
      const waiter: Waiter<T> = {
        resolve,
        reject,
        release: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      if (timeout !== undefined && Number.isFinite(timeout)) {
        timer = setTimeout(() => this.#leave(waiter, new FutureTimeoutError({ futureId: this.#label, timeout })), timeout);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
      this.#start();
    });
  }

  /** One poll if not yet settled; true once done/failed/cancelled. Never rejects. */
  async isDone(): Promise<boolean> {
    if (this.#outcome) return true;
    this.#checks++;
    try {
      await this.#pollOnce();
    } finally {
      this.#checks--;
    }
    return this.#outcome !== undefined;
  }

  /**
   * Call `listener` with the progress of each pending poll, and with a {@link RetryWait} (`type:
   * 'wait'`, see `isRetryWait`) before each wait after a failed poll; returns the unsubscribe.
   */
  onProgress(listener: (progress: unknown) => void): () => void {
    const entry = (progress: unknown) => listener(progress);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** An opaque token (base64url JSON of `{ v: 1, kind, id, data }`) for {@link Future.resume}. Holds no credentials. */
  serialize(): string {
    const options = this.#options;
    if (!options) throw new TrainwireError('The operation has not been submitted yet: await future.submitted() before serialize().');
    return serializeFuture({ kind: options.kind, id: options.id, data: options.data });
  }

  /**
   * Rebuild a future from a {@link Future.serialize} token; `build` makes its options from what was
   * saved. A token is data from outside: with `kind`, a token of any other kind is refused with
   * {@link InvalidFutureTokenError} before `build` runs; `build` must check every field it uses.
   */
  static resume<T>(token: string, build: (saved: SavedFuture) => FutureOptions<T>, expected: { kind?: string } = {}): Future<T> {
    const saved = Future.parseToken(token, expected);
    const options = build(saved);
    return new Future<T>({ ...options, kind: options.kind ?? saved.kind, data: options.data ?? saved.data });
  }

  /**
   * What a token holds; throws {@link InvalidFutureTokenError} when it is not one, or (with `kind`)
   * when it is a token of another kind of future.
   */
  static parseToken(token: string, expected: { kind?: string } = {}): SavedFuture {
    const saved = parseFutureToken(token);
    if (expected.kind !== undefined && saved.kind !== expected.kind) {
      const found = saved.kind === undefined ? 'no kind' : `kind ${JSON.stringify(saved.kind)}`;
      throw new InvalidFutureTokenError(`expected a future of kind ${JSON.stringify(expected.kind)}, got ${found}`);
    }
    return saved;
  }

  /**
   * A future for work that starts now and may report progress on the way (e.g. a call that waits
   * out a 503: pass `progress` as its `onWait`): `work` gets the function that feeds
   * {@link Future.onProgress}; the future settles with what `work` returns.
   */
  static run<T>(id: string, work: (progress: (value: unknown) => void) => PromiseLike<T>): Future<T> {
    let future: Future<T> | undefined;
    // Progress reported before the future exists has no listener yet: there is nobody to tell.
    const progress = (value: unknown): void => {
      if (future) future.#emit(value);
    };
    let value: PromiseLike<T>;
    try {
      value = work(progress);
    } catch (error) {
      value = Promise.reject(error);
    }
    future = Future.resolve(id, value);
    return future;
  }

  /** A future for an operation that is already running or finished (e.g. a plain GET). */
  static resolve<T>(id: string, value: T | PromiseLike<T>): Future<T> {
    // An APIPromise's response becomes the future's (see withResponse).
    const answer =
      value instanceof APIPromise ? (value as APIPromise<T>).withResponse() : Promise.resolve(value).then((data) => ({ data }));
    const settled = answer.then(
      (result: { data: T; response?: Response }) => ({
        result: { state: 'done', value: result.data } as PollResult<T>,
        response: result.response,
      }),
      (error: unknown) => ({ result: { state: 'failed', error: error as Error } as PollResult<T>, response: undefined }),
    );
    const poll = async ({ respond }: PollContext) => {
      const { result, response } = await settled;
      if (response) respond(response);
      return result;
    };
    const future = new Future<T>({ id, poll });
    if (!isThenable(value)) future.#settle('done', { ok: true, value });
    return future;
  }

  #start(): void {
    if (this.#loop || this.#outcome) return;
    const loop = new AbortController();
    this.#loop = loop;
    void this.#run(loop.signal).finally(() => {
      if (this.#loop === loop) this.#loop = undefined;
    });
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.#outcome) {
      const step = await this.#pollOnce();
      if (!step || step.settled || signal.aborted) return;
      try {
        await sleep(step.delay, signal);
      } catch {
        return; // stopped while waiting
      }
    }
  }

  /** Join the poll in flight, or start one. */
  #pollOnce(): Promise<Step> {
    if (this.#poll) return this.#poll.step;
    const controller = new AbortController();
    const poll = {
      controller,
      step: this.#callPoll(controller.signal).finally(() => {
        if (this.#poll === poll) this.#poll = undefined;
      }),
    };
    this.#poll = poll;
    return poll.step;
  }

  async #callPoll(signal: AbortSignal): Promise<Step> {
    let options = this.#options;
    if (!options) {
      try {
        options = await this.#submission;
      } catch (error) {
        return this.#settle('failed', { ok: false, error });
      }
      if (!options) return undefined;
    }
    let result: PollResult<T>;
    try {
      let response: Response | undefined;
      result = await options.poll({
        signal,
        attempt: this.#attempt++,
        respond: (given) => {
          response = given;
        },
      });
      this.#lastResponse = response;
    } catch (error) {
      if (signal.aborted || this.#outcome) return undefined;
      if (!this.#isTransient(error)) return this.#settle('failed', { ok: false, error });
      const failures = ++this.#failures;
      if (failures >= this.#maxFailures) {
        return this.#settle('failed', { ok: false, error: new FuturePollingError({ futureId: this.#label, failures, cause: error }) });
      }
      const wait = waitAfterFailure(error, failures, {
        target: `future ${this.#label}`,
        maxAttempts: this.#maxFailures,
        backoff: POLL_BACKOFF,
      });
      announceWait(wait, this.#options?.logger, (value) => this.#emit(value));
      return { settled: false, delay: wait.delay };
    }
    try {
      switch (result.state) {
        case 'done':
          return this.#settle('done', { ok: true, value: result.value });
        case 'failed':
          return this.#settle('failed', { ok: false, error: result.error });
        case 'cancelled':
          return this.#settle('cancelled', {
            ok: false,
            error: new FutureCancelledError({ futureId: this.#label, reason: result.reason }),
          });
        case 'pending': {
          if (signal.aborted) return undefined;
          this.#failures = 0;
          if (result.progress !== undefined) this.#emit(result.progress);
          // A server's wait is capped like every Retry-After; a strategy's is the caller's choice.
          const delay = result.retryAfter === undefined ? this.#strategy.delay(this.#pendingCount++) : retryWait(0, result.retryAfter);
          return { settled: false, delay };
        }
        default:
          throw new TrainwireError(
            `Poll of future ${this.#label} returned an unknown state: ${String((result as { state?: unknown }).state)}`,
          );
      }
    } catch (error) {
      return this.#settle('failed', { ok: false, error });
    }
  }

  #emit(progress: unknown): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(progress);
      } catch (error) {
        // Like EventTarget: a faulty listener is reported, and polling goes on.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #settle(state: Exclude<FutureState, 'pending'>, outcome: Outcome<T>): Step {
    if (this.#outcome) return { settled: true };
    this.#outcome = outcome;
    this.#state = state;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    this.#loop?.abort();
    this.#loop = undefined;
    for (const waiter of waiters) {
      waiter.release();
      if (outcome.ok) waiter.resolve(outcome.value);
      else waiter.reject(outcome.error);
    }
    return { settled: true };
  }

  /** `waiter` stops waiting; with no waiter left, the loop and its poll in flight stop. */
  #leave(waiter: Waiter<T>, error: unknown): void {
    if (!this.#waiters.delete(waiter)) return;
    waiter.release();
    waiter.reject(error);
    if (this.#waiters.size > 0) return;
    this.#loop?.abort();
    this.#loop = undefined;
    if (this.#checks === 0 && this.#poll) {
      this.#poll.controller.abort();
      this.#poll = undefined;
    }
  }
}

/** Failed polls in a row before a future gives up (1 s, 2 s, 4 s ... 30 s apart: about 2.5 minutes). */
const DEFAULT_MAX_FAILURES = 10;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
