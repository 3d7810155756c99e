import { InvalidRequestError } from '@trainwire/core';
import { type ExitFlushTarget, watchExit } from './metrics-exit-flush.js';
import type { Batch, Durability, DurabilityOptions, IngestorPort, Series } from './metrics-ingestor-port.js';
import type { IngestSpool, SpoolOpener } from './metrics-spool.js';
import { MetricsApiError } from './syvain-metrics-errors.js';

// A specifier in a variable keeps bundlers from pulling the Node-only spool into any build.
const load = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

/** `openMetricsSpool` of `@trainwire/metrics/spool`, imported on first use. */
const openSpoolLazily: SpoolOpener = async (experimentId, options) =>
  ((await load('@trainwire/metrics/spool')) as { openMetricsSpool: SpoolOpener }).openMetricsSpool(experimentId, options);

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * What keeps an ingestor's points when its process ends badly (Node, Bun and Deno; browser bundles
 * get `metrics-ingestor-durability-browser.ts` instead):
 * - exit hooks: a flush at `beforeExit`, SIGINT and SIGTERM, bounded by `exitTimeout`, and a report
 *   of what was not sent (see `watchExit`);
 * - the spool: each batch appended to a local file when it is cut, before it is sent, and marked
 *   done when answered; what earlier processes left is queued first;
 * - resumed series: the first number of a step-less series is looked up in the spool, else on the server.
 */
export class IngestDurability implements Durability, ExitFlushTarget {
  readonly exitTimeout: number;
  opened: Promise<void> | undefined;
  readonly #port: IngestorPort;
  readonly #options: DurabilityOptions;
  readonly #unwatch: (() => void) | undefined;
  #spool: IngestSpool | undefined;
  #failure: unknown;
  #lookups = 0;
  #idle: (() => void)[] = [];
  /** Unsettled events that are in the spool. */
  #kept = 0;

  constructor(port: IngestorPort, options: DurabilityOptions) {
    this.#port = port;
    this.#options = options;
    this.exitTimeout = options.exitTimeout ?? 5_000;
    if (!(typeof this.exitTimeout === 'number' && this.exitTimeout >= 0 && this.exitTimeout < 2 ** 31))
      throw new InvalidRequestError('exitTimeout', 'must be a number of milliseconds from 0 to 2147483647');
    const spool = options.spool;
    const dir = typeof spool === 'object' && spool !== null ? spool.dir : undefined;
    if (
      !(spool === undefined || typeof spool === 'boolean' || (typeof spool === 'object' && spool !== null)) ||
      !(dir === undefined || (typeof dir === 'string' && dir !== ''))
    )
      throw new InvalidRequestError('spool', 'must be true, false or { dir: string }');
    if (spool) this.opened = this.#open(dir);
    this.#unwatch = this.exitTimeout > 0 ? watchExit(this) : undefined;
  }

  get waiting(): boolean {
    return this.opened !== undefined || this.#lookups > 0;
  }

  get pending(): number {
    return this.#port.pending();
  }

  flush(): Promise<unknown> {
    return this.#port.flush();
  }

  spoolQueued(): void {
    const spool = this.#spool;
    if (!spool || this.waiting) return;
    for (const batch of this.#port.queue) {
      if (batch.body !== undefined) continue;
      batch.body = this.#port.encode(batch);
      batch.spooled = spool.append(batch.body, batch.events);
      if (batch.spooled !== undefined) this.#kept += batch.events;
    }
  }

  release(batch: Batch, error?: unknown): boolean {
    if (batch.spooled === undefined) return false;
    this.#kept -= batch.events;
    const kept = this.#spool?.settle(batch.spooled, error) ?? true;
    if (kept) this.#port.counts.inSpool += batch.events;
    return kept;
  }

  async checkpoint(): Promise<boolean> {
    if (this.opened) await this.opened;
    if (!this.#spool) return false;
    while (this.waiting) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.spoolQueued();
    await this.#spool.sync();
    return true;
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    const spool = this.#spool;
    this.#spool = undefined;
    await spool?.close(this.#counters());
    if (this.#failure !== undefined)
      throw new MetricsApiError(`The spool of experiment ${this.#port.experimentId} cannot be opened: ${message(this.#failure)}`, {
        cause: this.#failure,
      });
  }

  /**
   * Stop waiting for the server (the process is ending): spool what is buffered, abort what is in
   * flight, and log what was not sent.
   */
  abandon(reason: string): void {
    const port = this.#port;
    port.cut();
    this.spoolQueued();
    const unsent = port.pending();
    const kept = this.#kept;
    port.abort(reason);
    if (unsent > 0)
      port.logger?.warn(
        `Syvain Metrics: ${unsent} metric events of experiment ${port.experimentId} were not sent (${reason}); ${
          kept > 0
            ? `${kept} of them are in the spool ${this.#spool?.path}, for the next ingestor or \`trainwire-metrics syvain sync\`.`
            : 'they are lost (the spool option keeps them on disk).'
        }`,
      );
  }

  /** Find where a resumed step-less series left off: the spool, else the server, else a session of its own. */
  stepless(series: Series): void {
    if (!this.#options.resume) return;
    series.base = Number.NaN;
    this.#lookups++;
    const prefix = `${this.#port.run}/${series.name}/#`;
    const find = async () => {
      if (this.opened) await this.opened;
      return this.#spool?.counters.get(prefix + series.suffix) ?? (await this.#fromServer(series.name, prefix, series.suffix));
    };
    find()
      .then(
        (base) => {
          series.base = base;
        },
        (error: unknown) => {
          series.mark = `#${this.#port.session}.`;
          series.base = 0;
          this.#port.logger?.warn(
            `Syvain Metrics: could not find where step-less series ${JSON.stringify(series.name)} left off (${message(error)}); its new values are numbered in session ${this.#port.session}.`,
          );
        },
      )
      .finally(() => {
        this.#lookups--;
        if (!this.waiting) for (const resolve of this.#idle.splice(0)) resolve();
        this.#port.advance();
      });
  }

  /** One past the highest `#<n>` of the series' ids on the server (0 when it has none). */
  async #fromServer(name: string, prefix: string, suffix: string): Promise<number> {
    let next = 0;
    for await (const point of this.#options.listPoints?.(name) ?? []) {
      const id = point.client_event_id;
      if (point.step !== null || !id.startsWith(prefix) || !id.endsWith(suffix)) continue;
      const number = id.slice(prefix.length, id.length - suffix.length);
      if (/^\d+$/.test(number)) next = Math.max(next, Number(number) + 1);
    }
    return next;
  }

  #open(dir: string | undefined): Promise<void> {
    const port = this.#port;
    return (this.#options.openSpool ?? openSpoolLazily)(port.experimentId, { dir, logger: port.logger })
      .then(
        (spool) => {
          this.#spool = spool;
          for (const batch of spool.recovered) {
            port.enqueue(batch.body, batch.events, batch.id);
            this.#kept += batch.events;
          }
        },
        (error: unknown) => {
          if (this.#options.strict) this.#failure = error;
          else
            port.logger?.error(
              `Syvain Metrics: the spool of experiment ${port.experimentId} could not be opened (${message(error)}); points are sent without it.`,
            );
        },
      )
      .finally(() => {
        this.opened = undefined;
        port.advance();
      });
  }

  /** The next step-less number of each resumed series, for the spool to keep. */
  #counters(): Map<string, number> {
    const counters = new Map<string, number>();
    for (const series of this.#port.series)
      if (series.mark === '#' && series.unstepped > 0 && series.base >= 0)
        counters.set(`${this.#port.run}/${series.name}/#${series.suffix}`, series.base + series.unstepped);
    return counters;
  }
}
