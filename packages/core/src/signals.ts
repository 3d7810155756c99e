/** A signal that aborts when any of several do, and how to detach it from them again. */
export interface LinkedSignal {
  signal: AbortSignal;
  /** Remove the listeners this link added (a no-op where the runtime's `AbortSignal.any` owns them). */
  unlink(): void;
}

const NOTHING = (): void => {};

/**
 * Combine `signals` into one that aborts, with the same reason, as soon as any of them does.
 * By default with listeners, which the caller removes with `unlink()` (cheap: `AbortSignal.any`
 * costs several times more per call on Node 20). With `weak`, through `AbortSignal.any` where the
 * runtime has it, for links that outlive the call (a streamed body) and are never unlinked.
 */
export function linkSignals(signals: readonly (AbortSignal | undefined)[], options: { weak?: boolean } = {}): LinkedSignal {
  const sources = [...new Set(signals)].filter((signal): signal is AbortSignal => signal !== undefined);
  if (sources.length === 1) return { signal: sources[0] as AbortSignal, unlink: NOTHING };
  if (options.weak && typeof AbortSignal.any === 'function') return { signal: AbortSignal.any(sources), unlink: NOTHING };
  const controller = new AbortController();
  const aborted = sources.find((signal) => signal.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, unlink: NOTHING };
  }
  const unlink = (): void => {
    for (const signal of sources) signal.removeEventListener('abort', onAbort);
  };
  const onAbort = (event: Event): void => {
    unlink();
    controller.abort((event.target as AbortSignal).reason);
  };
  for (const signal of sources) signal.addEventListener('abort', onAbort);
  return { signal: controller.signal, unlink };
}

// Larger delays overflow the timer and fire at once (Node prints a TimeoutOverflowWarning).
const LONGEST_TIMER = 2_147_483_647;

/**
 * Call `callback` after `milliseconds`; the returned function cancels it. The timer does not keep
 * the process alive on its own (`unref` where the runtime has it). Delays too long for a timer never fire.
 */
export function startTimer(milliseconds: number, callback: () => void): () => void {
  if (!(milliseconds <= LONGEST_TIMER)) return NOTHING;
  const handle = setTimeout(callback, Math.max(0, milliseconds));
  (handle as unknown as { unref?: () => void }).unref?.();
  return () => clearTimeout(handle);
}

/**
 * Settle like `promise`, or reject with `signal.reason` as soon as `signal` aborts, even when
 * whatever produced `promise` ignores the signal. A value that arrives too late goes to `onLate`.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, onLate: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    promise.then(onLate, NOTHING);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.then(onLate, NOTHING);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
