import type { Fetch } from './request-options.js';

/** The default `maxConcurrentRequests` of a client. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 64;

interface Waiter {
  grant: () => void;
}

/**
 * A FIFO semaphore of request slots. `acquire` resolves when a slot is free; a waiter whose signal
 * aborts leaves the queue and rejects with the signal's reason.
 */
export class ConnectionCap {
  readonly #limit: number;
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for a slot now. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** A slot now, or undefined when none is free (the no-contention path: no promise, no queue). */
  tryAcquire(): (() => void) | undefined {
    if (this.#active >= this.#limit) return undefined;
    this.#active++;
    return this.#releaser();
  }

  /** Wait for a slot; the returned function frees it (calling it again does nothing). */
  acquire(signal?: AbortSignal | null): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.#queue.length === 0) {
        this.#active--;
        return;
      }
      // The slot passes to the next waiter a task later, once the runtime has put the connection
      // back in its pool: granted at once, the next request opens a new socket (1,000 calls at a
      // cap of 64 opened 90 connections; deferred, 64).
      setTimeout(() => {
        const next = this.#queue.shift();
        if (next) next.grant();
        else this.#active--;
      }, 0);
    };
  }
}

/**
 * Wrap `fetch` so at most `cap`'s limit of requests are open at once: each waits for a slot (in
 * order, leaving the queue if its signal aborts) and holds it until its response body has been read
 * to the end, cancelled or has failed (a streamed download keeps its slot until it is consumed), or
 * until the fetch fails. A burst of calls queues instead of opening a socket each.
 */
export function withConnectionCap(fetch: Fetch, cap: ConnectionCap): Fetch {
  return (request, init) => capped(cap, init?.signal ?? request.signal, () => fetch(request, init));
}

// The slots of responses handed out as they are (see `capped`'s `hold`), freed by `releaseSlot`.
const held = new WeakMap<Response, () => void>();

/** Free the slot `response` holds, if it holds one (see `capped`); harmless to call again. */
export function releaseSlot(response: Response): void {
  held.get(response)?.();
  held.delete(response);
}

/**
 * `send()` once a slot of `cap` is free, holding the slot as {@link withConnectionCap} says; with
 * `hold`, the response comes back as it is and keeps its slot until {@link releaseSlot} (for a
 * caller that reads or discards every body itself). A free slot is taken at once, without waiting
 * a tick; only a full cap queues.
 */
export function capped(
  cap: ConnectionCap,
  signal: AbortSignal | null | undefined,
  send: () => Promise<Response>,
  hold = false,
): Promise<Response> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const free = cap.tryAcquire();
  return free ? inSlot(free, send, hold) : cap.acquire(signal).then((release) => inSlot(release, send, hold));
}

function inSlot(release: () => void, send: () => Promise<Response>, hold: boolean): Promise<Response> {
  let sent: Promise<Response>;
  try {
    sent = send();
  } catch (error) {
    release();
    return Promise.reject(error);
  }
  return sent.then(
    (response) => {
      if (response.body === null) release();
      else if (hold) held.set(response, release);
      // The body that frees the slot as it ends is set up by a module of its own (streamed bodies
      // and redirect hops only), loaded with the first such response.
      else
        return import('./released-when-read.js').then(({ releasedWhenRead }) => {
          releasedWhenRead(response, release);
          return response;
        });
      return response;
    },
    (error: unknown) => {
      release();
      throw error;
    },
  );
}
