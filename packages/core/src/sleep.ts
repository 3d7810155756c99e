// The longest delay a timer can hold; anything longer overflows and fires at once (Node prints a
// TimeoutOverflowWarning), which would turn a long wait into a busy loop.
const LONGEST_TIMER = 2_147_483_647;

/**
 * Wait `milliseconds` (clamped to what a timer can hold: a huge or infinite wait never fires at
 * once); rejects with the signal's reason as soon as `signal` aborts.
 */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  const delay = Number.isNaN(milliseconds) ? 0 : Math.min(Math.max(milliseconds, 0), LONGEST_TIMER);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
