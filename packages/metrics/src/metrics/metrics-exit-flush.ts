/** What the exit hooks need of an ingestor. */
export interface ExitFlushTarget {
  /** Events logged and not settled yet. */
  readonly pending: number;
  /** Longest wait for `flush()` when the process is ending, in milliseconds. */
  readonly exitTimeout: number;
  /** Send everything buffered; resolves once it has settled. */
  flush(): Promise<unknown>;
  /** Stop waiting, synchronously: abort what is in flight, spool what is buffered, say what was not sent. */
  abandon(reason: string): void;
}

type Listener = (signal: string) => void;

interface ProcessLike {
  pid: number;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: string): unknown;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const targets = new Set<ExitFlushTarget>();
let ending: string | undefined;

/**
 * Flush `target` when the process ends without its `close()`: at `beforeExit` (the event loop ran
 * dry), on SIGINT and SIGTERM, and what is left at `exit`. Each wait is bounded by the target's
 * `exitTimeout`; a signal nobody else listens to is raised again afterwards, so the process ends as
 * it would have (a user's own handlers decide instead). Returns the function that stops watching.
 * Node, Bun and Deno (their `process`); elsewhere it does nothing.
 */
export function watchExit(target: ExitFlushTarget): () => void {
  if (targets.size === 0) listen(true);
  targets.add(target);
  return () => {
    if (targets.delete(target) && targets.size === 0) listen(false);
  };
}

const runtime = (): ProcessLike | undefined => {
  const candidate = (globalThis as unknown as { process?: Partial<ProcessLike> }).process;
  return typeof candidate?.on === 'function' && typeof candidate.listenerCount === 'function' ? (candidate as ProcessLike) : undefined;
};

function listen(on: boolean): void {
  const process = runtime();
  if (!process) return;
  const method = on ? 'on' : 'removeListener';
  process[method]('beforeExit', onBeforeExit);
  process[method]('exit', onExit);
  for (const signal of SIGNALS) process[method](signal, onSignal);
}

/**
 * Flush every target with something pending, each for at most its `exitTimeout` when `bounded`;
 * resolves with false when one had to be abandoned.
 */
function flushAll(reason: string, bounded: boolean): Promise<boolean> {
  let complete = true;
  const waits = [...targets]
    .filter((target) => target.pending > 0)
    .map(
      (target) =>
        new Promise<void>((resolve) => {
          const timer = bounded
            ? setTimeout(() => {
                complete = false;
                target.abandon(`${reason}, not sent within exitTimeout (${target.exitTimeout} ms)`);
                resolve();
              }, target.exitTimeout)
            : undefined;
          target
            .flush()
            .catch(() => undefined)
            .then(() => {
              clearTimeout(timer);
              resolve();
            });
        }),
    );
  return Promise.all(waits).then(() => complete);
}

function onBeforeExit(): void {
  // The loop ran dry with points still buffered (a script that never called close()). Flushing
  // schedules the sends, which keep the process alive; the next `beforeExit` finds nothing pending.
  if (ending === undefined && [...targets].some((target) => target.pending > 0)) {
    ending = 'beforeExit';
    void flushAll('the process was exiting', true).then((complete) => {
      // After an abandoned wait the process ends with what was sent; no second round.
      if (complete) ending = undefined;
    });
  }
}

function onSignal(signal: string): void {
  const process = runtime() as ProcessLike;
  // Someone else listens too: they decide whether the process ends; flush without a deadline.
  if (process.listenerCount(signal) > 1) {
    void flushAll(signal, false);
    return;
  }
  // A second signal while flushing for the first: stop waiting.
  if (ending !== undefined && ending !== 'beforeExit') {
    reraise(process, signal);
    return;
  }
  ending = signal;
  void flushAll(`the process received ${signal}`, true).then(() => reraise(process, signal));
}

function reraise(process: ProcessLike, signal: string): void {
  for (const target of targets) if (target.pending > 0) target.abandon(`the process received ${signal} again`);
  listen(false);
  targets.clear();
  // Without a listener the runtime's default applies: the process ends by the signal, as it would have.
  process.kill(process.pid, signal);
}

function onExit(): void {
  // `process.exit()` (or the end after an abandoned wait): nothing asynchronous runs any more.
  for (const target of targets) if (target.pending > 0) target.abandon('the process exited');
}
