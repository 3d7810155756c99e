import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APIError, BadRequestError, InternalServerError, RateLimitError } from './api-error.js';
import { errorFromResponse } from './error-from-response.js';
import { APIConnectionError, APIUserAbortError, InvalidRequestError } from './errors.js';
import { Future, type FutureOptions, type PollContext, type PollResult } from './future.js';
import { FutureCancelledError, FuturePollingError, FutureTimeoutError, InvalidFutureTokenError } from './future-errors.js';
import type { Logger } from './logger.js';
import { exponentialBackoff, fixedInterval, longPoll } from './poll-strategy.js';
import { registerSecret } from './redact.js';
import { isRetryWait } from './retry-wait.js';
import { TrainwireError } from './trainwire-error.js';

type Answer<T> = PollResult<T> | Error;

/** A poll that gives `answers` in turn (the last one forever) and records when and how it was called. */
function scripted<T>(answers: Answer<T>[]) {
  const start = Date.now();
  const calls: { at: number; attempt: number; signal: AbortSignal }[] = [];
  const poll = async (context: PollContext): Promise<PollResult<T>> => {
    calls.push({ at: Date.now() - start, attempt: context.attempt, signal: context.signal });
    const answer = answers[Math.min(calls.length, answers.length) - 1] as Answer<T>;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { poll, calls, times: () => calls.map((call) => call.at) };
}

const pending = (extra: Omit<Extract<PollResult<never>, { state: 'pending' }>, 'state'> = {}): PollResult<never> => ({
  state: 'pending',
  ...extra,
});

/** Rejections are asserted before timers run, so none goes unhandled in between. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('Future polling and delays', () => {
  it('resolves after N pending polls, waiting the fixed interval between them', async () => {
    const { poll, calls, times } = scripted([pending(), pending(), pending(), { state: 'done', value: 'model-1' }]);
    const future = new Future({ id: 'op-1', poll, strategy: fixedInterval(1000) });
    expect(calls).toHaveLength(0); // lazy until awaited
    expect(await settle(future.result())).toEqual({ value: 'model-1' });
    expect(times()).toEqual([0, 1000, 2000, 3000]);
    expect(calls.map((call) => call.attempt)).toEqual([0, 1, 2, 3]);
    expect(future.state).toBe('done');
  });

  it('backs off exponentially without jitter, capped at max', async () => {
    const { poll, times } = scripted([pending(), pending(), pending(), pending(), { state: 'done', value: 1 }]);
    const future = new Future({ id: 'op', poll, strategy: exponentialBackoff({ jitter: false, max: 3000 }) });
    await settle(future.result());
    expect(times()).toEqual([0, 500, 1500, 3500, 6500]);
  });

  it('uses a jittered exponential backoff by default', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // the largest cut: ×0.75
    const { poll, times } = scripted([pending(), pending(), { state: 'done', value: 1 }]);
    await settle(new Future({ id: 'op', poll }).result());
    expect(times()).toEqual([0, 375, 1125]);
  });

  it('re-polls at once with longPoll', async () => {
    const { poll, times } = scripted([pending(), pending(), pending(), { state: 'done', value: 'x' }]);
    expect(await settle(new Future({ id: 'op', poll, strategy: longPoll() }).result())).toEqual({ value: 'x' });
    expect(times()).toEqual([0, 0, 0, 0]);
  });

  it("waits the server's retryAfter instead of the strategy's delay", async () => {
    const { poll, times } = scripted([pending({ retryAfter: 2500 }), pending(), { state: 'done', value: 1 }]);
    await settle(new Future({ id: 'op', poll, strategy: fixedInterval(1000) }).result());
    expect(times()).toEqual([0, 2500, 3500]);
  });

  it('await future is result()', async () => {
    const { poll } = scripted([pending(), { state: 'done', value: { weights: 'w' } }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(10) });
    const awaited = (async () => await future)();
    await vi.runAllTimersAsync();
    expect(await awaited).toEqual({ weights: 'w' });
  });
});

describe('Future outcomes', () => {
  it('rejects with exactly the error of a failed result', async () => {
    const error = new Error('out of memory');
    const { poll } = scripted([pending(), { state: 'failed', error }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(10) });
    expect((await settle(future.result())).error).toBe(error);
    expect(future.state).toBe('failed');
  });

  it('rejects with FutureCancelledError on a cancelled result', async () => {
    const { poll } = scripted([{ state: 'cancelled', reason: 'user request' }]);
    const future = new Future({ id: 'job-9', poll });
    const { error } = await settle(future.result());
    expect(error).toBeInstanceOf(FutureCancelledError);
    expect(error).toMatchObject({ futureId: 'job-9', reason: 'user request', message: 'Future job-9 was cancelled: user request' });
    expect(future.state).toBe('cancelled');
  });

  it('rejects with a TrainwireError when poll returns an unknown state', async () => {
    const poll = async () => ({ state: 'exploded' }) as unknown as PollResult<number>;
    const { error } = await settle(new Future({ id: 'op', poll }).result());
    expect(error).toBeInstanceOf(TrainwireError);
    expect((error as Error).message).toBe('Poll of future op returned an unknown state: exploded');
  });

  it('never polls again once settled', async () => {
    const { poll, calls } = scripted([{ state: 'done', value: 7 }]);
    const future = new Future({ id: 'op', poll });
    await settle(future.result());
    expect(await future).toBe(7);
    expect(await future.isDone()).toBe(true);
    expect(calls).toHaveLength(1);
  });
});

describe('Future waiters: timeout and abort', () => {
  it('rejects a timed-out waiter with FutureTimeoutError and stops polling', async () => {
    const { poll, times } = scripted([pending()]);
    const future = new Future({ id: 'op-42', poll, strategy: fixedInterval(1000) });
    const outcome = future.result({ timeout: 2500 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(2500);
    const error = await outcome;
    expect(error).toBeInstanceOf(FutureTimeoutError);
    expect(error).toMatchObject({ futureId: 'op-42', timeout: 2500, message: 'Timed out after 2500 ms waiting for future op-42.' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(times()).toEqual([0, 1000, 2000]);
    expect(future.state).toBe('pending');
  });

  it('rejects with APIUserAbortError when the signal aborts during the delay, and polls no more', async () => {
    const { poll, times } = scripted([pending()]);
    const controller = new AbortController();
    const outcome = new Future({ id: 'op', poll, strategy: fixedInterval(1000) })
      .result({ signal: controller.signal })
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1500);
    controller.abort('stop');
    const error = await outcome;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(error).toMatchObject({ message: 'Stopped waiting for future op.', cause: 'stop' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(times()).toEqual([0, 1000]);
  });

  it('aborts the poll in flight when the only waiter aborts, and polls no more', async () => {
    const signals: AbortSignal[] = [];
    const poll = vi.fn(
      ({ signal }: PollContext) =>
        new Promise<PollResult<number>>((_resolve, reject) => {
          signals.push(signal);
          signal.addEventListener('abort', () => reject(new APIUserAbortError()));
        }),
    );
    const controller = new AbortController();
    const future = new Future({ id: 'op', poll, strategy: longPoll() });
    const outcome = future.result({ signal: controller.signal }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(signals.map((signal) => signal.aborted)).toEqual([false]);
    controller.abort();
    expect(await outcome).toBeInstanceOf(APIUserAbortError);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(signals[0]?.aborted).toBe(true);
    // The abandoned poll's rejection is not the operation's failure.
    expect(future.state).toBe('pending');
  });

  it('rejects at once, without polling, when the signal is already aborted', async () => {
    const { poll, calls } = scripted([{ state: 'done', value: 1 }]);
    const { error } = await settle(new Future({ id: 'op', poll }).result({ signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(calls).toHaveLength(0);
  });

  it('restarts the loop for a later waiter after every waiter left', async () => {
    const { poll, times, calls } = scripted([pending(), pending(), pending(), { state: 'done', value: 'ok' }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(1000) });
    const first = future.result({ timeout: 1500 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await first).toBeInstanceOf(FutureTimeoutError);
    expect(times()).toEqual([0, 1000]);
    expect(await settle(future.result())).toEqual({ value: 'ok' });
    expect(times()).toEqual([0, 1000, 10_000, 11_000]);
    expect(calls.map((call) => call.attempt)).toEqual([0, 1, 2, 3]);
  });
});

describe('Future transient errors', () => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // no jitter: exact times
  });

  it('keeps polling through 429, 500 and connection errors with 1 s doubling, reset by a successful poll', async () => {
    const { poll, times } = scripted<string>([
      new RateLimitError({ status: 429 }),
      new InternalServerError({ status: 500 }),
      new APIConnectionError(),
      pending(),
      new APIConnectionError(),
      { state: 'done', value: 'ok' },
    ]);
    expect(await settle(new Future({ id: 'op', poll, strategy: longPoll() }).result())).toEqual({ value: 'ok' });
    expect(times()).toEqual([0, 1000, 3000, 7000, 7000, 8000]);
  });

  it('caps the transient backoff at 30 s', async () => {
    const failures = Array.from({ length: 7 }, () => new APIConnectionError());
    const { poll, times } = scripted<number>([...failures, { state: 'done', value: 1 }]);
    await settle(new Future({ id: 'op', poll }).result());
    expect(times()).toEqual([0, 1000, 3000, 7000, 15_000, 31_000, 61_000, 91_000]);
  });

  it("waits a 429's or a 503's Retry-After, at most 60 s, and backs off after a 408 like any failure", async () => {
    const { poll, times } = scripted<number>([
      new RateLimitError({ status: 429, headers: new Headers({ 'retry-after': '5' }) }),
      new InternalServerError({ status: 503, headers: new Headers({ 'retry-after': '315360000' }) }),
      new APIError({ status: 408 }),
      new APIConnectionError(),
      { state: 'done', value: 1 },
    ]);
    await settle(new Future({ id: 'op', poll, strategy: fixedInterval(60_000) }).result());
    expect(times()).toEqual([0, 5000, 65_000, 69_000, 77_000]);
  });

  it('gives up after 10 failed polls in a row with a FuturePollingError naming the last, within a bounded time', async () => {
    const last = new InternalServerError({ status: 500, body: { detail: 'result store down' } });
    const { poll, times } = scripted<number>([new APIConnectionError(), last]);
    const future = new Future({ id: 'op-9', poll });
    const { error } = await settle(future.result());
    expect(error).toBeInstanceOf(FuturePollingError);
    expect(error).toMatchObject({ futureId: 'op-9', failures: 10, cause: last });
    expect((error as Error).message).toBe(
      'Gave up on future op-9 after 10 failed polls in a row; the last: InternalServerError: 500 result store down',
    );
    expect(future.state).toBe('failed');
    // 1 + 2 + 4 + 8 + 16 + 30 × 4 s of backoff, then no more polls.
    expect(times()).toHaveLength(10);
    expect(times().at(-1)).toBe(151_000);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(times()).toHaveLength(10);
  });

  it('gives up sooner with maxFailures, even on a server that asks to wait for ever', async () => {
    const forever = new RateLimitError({ status: 429, headers: new Headers({ 'retry-after': '315360000' }) });
    const { poll, times } = scripted<number>([forever]);
    const { error } = await settle(new Future({ id: 'op', poll, maxFailures: 3 }).result());
    expect(error).toBeInstanceOf(FuturePollingError);
    expect((error as FuturePollingError).cause).toBe(forever);
    expect(times()).toEqual([0, 60_000, 120_000]);
  });

  it('refuses a maxFailures that is not a whole number >= 1', () => {
    for (const maxFailures of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Future({ id: 'op', poll: async () => pending(), maxFailures })).toThrow(InvalidRequestError);
    }
  });

  it('reports every wait after a failed poll to onProgress and to the logger at info', async () => {
    const lines: string[] = [];
    const logger: Logger = { debug: () => {}, info: (line) => lines.push(line), warn: () => {}, error: () => {} };
    const { poll } = scripted<number>([
      new InternalServerError({ status: 503, headers: new Headers({ 'retry-after': '30' }) }),
      new APIConnectionError({ cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
      pending({ progress: 'queued' }),
      { state: 'done', value: 1 },
    ]);
    const future = new Future({ id: 'op-3', poll, logger, strategy: fixedInterval(10) });
    const seen: unknown[] = [];
    future.onProgress((progress) => seen.push(progress));
    await settle(future.result());
    expect(seen).toEqual([
      { type: 'wait', target: 'future op-3', delay: 30_000, retryAfter: true, status: 503, reason: '503', attempt: 2, maxAttempts: 10 },
      {
        type: 'wait',
        target: 'future op-3',
        delay: 2000,
        retryAfter: false,
        status: undefined,
        reason: 'ECONNRESET',
        attempt: 3,
        maxAttempts: 10,
      },
      'queued',
    ]);
    expect(seen.map(isRetryWait)).toEqual([true, true, false]);
    expect(lines).toEqual([
      'Retrying future op-3 in 30000 ms (attempt 2 of 10): 503, as the server asked (Retry-After)',
      'Retrying future op-3 in 2000 ms (attempt 3 of 10): ECONNRESET',
    ]);
  });

  it("caps a pending answer's retryAfter at 60 s", async () => {
    const { poll, times } = scripted<number>([pending({ retryAfter: 315_360_000_000 }), { state: 'done', value: 1 }]);
    await settle(new Future({ id: 'op', poll }).result());
    expect(times()).toEqual([0, 60_000]);
  });

  it('rejects at once on a conflict, which is not retryable', async () => {
    const conflict = errorFromResponse({ status: 409, conflictStatuses: [409], body: { detail: 'already paused' } });
    expect(conflict.retryable).toBe(false);
    const { poll, calls } = scripted<number>([conflict, { state: 'done', value: 1 }]);
    expect((await settle(new Future({ id: 'op', poll }).result())).error).toBe(conflict);
    expect(calls).toHaveLength(1);
  });

  it('rejects with exactly the error of a 400, after one poll', async () => {
    const error = new BadRequestError({ status: 400, body: { detail: 'bad id' } });
    const { poll, calls } = scripted<number>([error, { state: 'done', value: 1 }]);
    const future = new Future({ id: 'op', poll });
    expect((await settle(future.result())).error).toBe(error);
    expect(calls).toHaveLength(1);
    expect(future.state).toBe('failed');
  });

  it('treats an APIUserAbortError thrown by the poll itself as fatal', async () => {
    const error = new APIUserAbortError();
    const { poll, calls } = scripted<number>([error]);
    expect((await settle(new Future({ id: 'op', poll }).result())).error).toBe(error);
    expect(calls).toHaveLength(1);
  });

  it('follows a custom isTransient', async () => {
    const error = new APIConnectionError();
    const { poll, calls } = scripted<number>([error, { state: 'done', value: 1 }]);
    const future = new Future({ id: 'op', poll, isTransient: () => false });
    expect((await settle(future.result())).error).toBe(error);
    expect(calls).toHaveLength(1);
  });
});

describe('Future shared loop', () => {
  it('lets concurrent waiters share one polling loop and one value', async () => {
    const { poll, calls } = scripted([pending(), pending(), { state: 'done', value: 'shared' }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(1000) });
    const all = Promise.all([future.result(), future.result(), (async () => await future)()]);
    await vi.runAllTimersAsync();
    expect(await all).toEqual(['shared', 'shared', 'shared']);
    expect(calls).toHaveLength(3);
  });

  it('rejects every waiter with the same error', async () => {
    const error = new Error('boom');
    const { poll, calls } = scripted<number>([pending(), { state: 'failed', error }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(1000) });
    const first = future.result().catch((reason: unknown) => reason);
    const second = future.result().catch((reason: unknown) => reason);
    await vi.runAllTimersAsync();
    expect(await first).toBe(error);
    expect(await second).toBe(error);
    expect(calls).toHaveLength(2);
  });

  it('ends only the waiter whose timeout ran out; the others keep the loop going', async () => {
    const { poll, times } = scripted([pending(), pending(), pending(), { state: 'done', value: 'late' }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(1000) });
    const impatient = future.result({ timeout: 1500 }).catch((error: unknown) => error);
    const patient = future.result();
    await vi.runAllTimersAsync();
    expect(await impatient).toBeInstanceOf(FutureTimeoutError);
    expect(await patient).toBe('late');
    expect(times()).toEqual([0, 1000, 2000, 3000]);
  });

  it('ends only the waiter whose signal aborted', async () => {
    const { poll, calls } = scripted([pending(), pending(), { state: 'done', value: 'v' }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(1000) });
    const controller = new AbortController();
    const aborted = future.result({ signal: controller.signal }).catch((error: unknown) => error);
    const other = future.result();
    controller.abort();
    await vi.runAllTimersAsync();
    expect(await aborted).toBeInstanceOf(APIUserAbortError);
    expect(await other).toBe('v');
    expect(calls).toHaveLength(3);
    expect(calls.every((call) => !call.signal.aborted)).toBe(true);
  });
});

describe('Future.onProgress', () => {
  it('sees each pending progress until unsubscribed', async () => {
    const { poll } = scripted([
      pending({ progress: 0.25 }),
      pending(),
      pending({ progress: 0.5 }),
      pending({ progress: 0.75 }),
      { state: 'done', value: 1 },
    ]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(100) });
    const seen: unknown[] = [];
    const early: unknown[] = [];
    future.onProgress((progress) => seen.push(progress));
    const unsubscribe = future.onProgress((progress) => {
      early.push(progress);
      if (progress === 0.5) unsubscribe();
    });
    await settle(future.result());
    expect(seen).toEqual([0.25, 0.5, 0.75]);
    expect(early).toEqual([0.25, 0.5]);
  });

  it('keeps polling when a listener throws, and reports the error outside the loop', async () => {
    const reported: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => reported.push(callback));
    const { poll, calls } = scripted([pending({ progress: 1 }), pending({ progress: 2 }), { state: 'done', value: 'ok' }]);
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(100) });
    future.onProgress(() => {
      throw new Error('listener bug');
    });
    expect(await settle(future.result())).toEqual({ value: 'ok' });
    expect(calls).toHaveLength(3);
    expect(reported).toHaveLength(2);
    expect(reported[0]).toThrow('listener bug');
  });
});

describe('Future.serialize and Future.resume', () => {
  it('resumes on a fresh Future whose poll is rebuilt from the saved data', async () => {
    const original = new Future<string>({
      id: 'req-7',
      kind: 'tinker.sample',
      data: { sessionId: 's-1', model: 'llama' },
      poll: async () => pending(),
    });
    const token = original.serialize();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Future.parseToken(token)).toEqual({ kind: 'tinker.sample', id: 'req-7', data: { sessionId: 's-1', model: 'llama' } });

    const built: unknown[] = [];
    const resumed = Future.resume(token, (saved): FutureOptions<string> => {
      built.push(saved);
      return { id: saved.id, poll: async () => ({ state: 'done', value: `${saved.data?.sessionId}/${saved.id}` }) };
    });
    expect(built).toEqual([{ kind: 'tinker.sample', id: 'req-7', data: { sessionId: 's-1', model: 'llama' } }]);
    expect(await settle(resumed.result())).toEqual({ value: 's-1/req-7' });
    expect(resumed.serialize()).toBe(token);
  });

  it('keeps non-ASCII data and leaves registered secrets out of the token', async () => {
    registerSecret('sk-future-secret-123');
    const future = new Future({ id: 'op', data: { note: 'über ✓', key: 'sk-future-secret-123' }, poll: async () => pending() });
    const token = future.serialize();
    expect(Future.parseToken(token).data).toEqual({ note: 'über ✓', key: '[redacted]' });
  });

  it.each([
    ['not base64url', 'not a token!'],
    ['empty', ''],
    ['not JSON', btoa('hello').replace(/=+$/, '')],
    ['another version', btoa(JSON.stringify({ v: 2, id: 'x' })).replace(/=+$/, '')],
    ['no id', btoa(JSON.stringify({ v: 1, data: {} })).replace(/=+$/, '')],
    ['data not an object', btoa(JSON.stringify({ v: 1, id: 'x', data: [1] })).replace(/=+$/, '')],
  ])('throws InvalidFutureTokenError on a garbage token (%s)', (_case, token) => {
    const build = vi.fn();
    expect(() => Future.resume(token, build)).toThrow(InvalidFutureTokenError);
    expect(() => Future.parseToken(token)).toThrow(TrainwireError);
    expect(build).not.toHaveBeenCalled();
  });
});

describe('Future.resume of a token from elsewhere', () => {
  const token = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  it.each([
    ['another kind', { v: 1, kind: 'tensafe.future', id: 'f-1' }],
    ['no kind', { v: 1, id: 'f-1' }],
    ['a kind that is not a string', { v: 1, kind: 7, id: 'f-1' }],
  ])('refuses %s before building anything', (_case, saved) => {
    const build = vi.fn();
    expect(() => Future.resume(token(saved), build, { kind: 'tinker.future' })).toThrow(InvalidFutureTokenError);
    expect(() => Future.parseToken(token(saved), { kind: 'tinker.future' })).toThrow(/kind/);
    expect(build).not.toHaveBeenCalled();
  });

  it('builds a token of the expected kind', () => {
    const build = vi.fn((saved: { id: string }) => ({ id: saved.id, poll: async () => pending() }));
    const future = Future.resume(token({ v: 1, kind: 'tinker.future', id: 'f-2' }), build, { kind: 'tinker.future' });
    expect(future.id).toBe('f-2');
    expect(build).toHaveBeenCalledOnce();
  });
});

describe('Future.run', () => {
  it('reports the progress of work under way to its listeners', async () => {
    let report: ((value: unknown) => void) | undefined;
    let finish: ((value: string) => void) | undefined;
    const future = Future.run('archive', (progress) => {
      progress('started');
      report = progress;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    });
    const seen: unknown[] = [];
    future.onProgress((value) => seen.push(value));
    report?.({ type: 'wait', delay: 30_000 });
    finish?.('url');
    expect(await settle(future.result())).toEqual({ value: 'url' });
    expect(seen).toEqual([{ type: 'wait', delay: 30_000 }]);
  });

  it('rejects with what the work throws, synchronously or not', async () => {
    const error = new Error('bad id');
    const thrown = Future.run('a', () => {
      throw error;
    });
    expect((await settle(thrown.result())).error).toBe(error);
    expect((await settle(Future.run('b', async () => Promise.reject(error)).result())).error).toBe(error);
  });
});

describe('Future.resolve', () => {
  it('is done at once for a plain value', async () => {
    const future = Future.resolve('get-1', { name: 'run' });
    expect(future.state).toBe('done');
    expect(future.id).toBe('get-1');
    expect(await future).toEqual({ name: 'run' });
  });

  it('follows a promise, resolving or rejecting with it', async () => {
    const error = new Error('404');
    const resolved = Future.resolve('a', Promise.resolve(3));
    const rejected = Future.resolve('b', Promise.reject(error));
    expect(await settle(resolved.result())).toEqual({ value: 3 });
    expect((await settle(rejected.result())).error).toBe(error);
    expect(rejected.state).toBe('failed');
  });
});

describe('Future.isDone', () => {
  it('polls once per call until settled, then answers without polling', async () => {
    const { poll, calls } = scripted([pending(), { state: 'done', value: 1 }]);
    const future = new Future({ id: 'op', poll });
    expect(await future.isDone()).toBe(false);
    expect(calls).toHaveLength(1);
    expect(await future.isDone()).toBe(true);
    expect(await future.isDone()).toBe(true);
    expect(calls).toHaveLength(2);
    expect(future.state).toBe('done');
  });

  it('is true (not a rejection) once the operation failed, and false after a transient error', async () => {
    const error = new BadRequestError({ status: 400 });
    const { poll } = scripted<number>([new APIConnectionError(), error]);
    const future = new Future({ id: 'op', poll });
    expect(await future.isDone()).toBe(false);
    expect(await future.isDone()).toBe(true);
    expect(future.state).toBe('failed');
    await expect(future.result()).rejects.toBe(error);
  });

  it('joins the poll in flight instead of making another', async () => {
    let release: (result: PollResult<number>) => void = () => {};
    const poll = vi.fn(() => new Promise<PollResult<number>>((resolve) => (release = resolve)));
    const future = new Future({ id: 'op', poll, strategy: fixedInterval(1000) });
    const waiting = future.result();
    const done = future.isDone();
    await vi.advanceTimersByTimeAsync(0);
    release({ state: 'done', value: 5 });
    expect(await done).toBe(true);
    expect(await waiting).toBe(5);
    expect(poll).toHaveBeenCalledTimes(1);
  });
});

describe('Future.submit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the request once, learns the id, then polls', async () => {
    let submits = 0;
    const { poll, calls } = scripted<string>([pending(), { state: 'done', value: 'ok' }]);
    const future = Future.submit(async () => {
      submits++;
      return { id: 'op-7', poll, strategy: fixedInterval(100) };
    });
    expect(() => future.id).toThrow(TrainwireError);
    await expect(future.submitted()).resolves.toBe('op-7');
    expect(future.id).toBe('op-7');
    const result = settle(future.result());
    await vi.advanceTimersByTimeAsync(100);
    expect(await result).toEqual({ value: 'ok' });
    expect(submits).toBe(1);
    expect(calls).toHaveLength(2);
    expect(Future.parseToken(future.serialize()).id).toBe('op-7');
  });

  it('rejects every waiter with the submission error and never polls', async () => {
    const failure = new BadRequestError({ status: 400, body: { message: 'bad batch' } });
    const poll = vi.fn();
    const future = Future.submit<string>(() => Promise.reject(failure));
    const [first, second] = await Promise.all([settle(future.result()), settle(future.result())]);
    expect(first.error).toBe(failure);
    expect(second.error).toBe(failure);
    await expect(future.submitted()).rejects.toBe(failure);
    expect(future.state).toBe('failed');
    expect(poll).not.toHaveBeenCalled();
  });

  it('gives the value when awaited', async () => {
    const future = Future.submit(async () => ({
      id: 'op-8',
      poll: async (): Promise<PollResult<number>> => ({ state: 'done', value: 3 }),
    }));
    expect(await future).toBe(3);
  });
});
