import { InvalidRequestError, idempotencyKey, type Logger, type RequestOptions } from '@trainwire/core';
import type { components } from '../generated/metrics.js';
import { canonicalMetadata, stableHash } from './client-event-id.js';
import { IngestDurability } from './metrics-ingestor-durability.js';
import type { Batch, Chunk, Durability, ListedPoint, Series } from './metrics-ingestor-port.js';
import type { SpoolOpener } from './metrics-spool.js';
import { MetricsApiError } from './syvain-metrics-errors.js';

type Metadata = components['schemas']['Metadata'];
type IngestResult = components['schemas']['IngestResult'];

/** Sends one encoded batch (`{"metrics":[…]}`) and returns the server's counts. */
export type IngestBatchSender = (body: Uint8Array, sync: boolean, options: RequestOptions) => Promise<IngestResult>;

/** Options of {@link MetricsIngestor}. */
export interface MetricsIngestorOptions {
  /**
   * First part of every `client_event_id`; keep it stable across restarts so re-sent events dedupe.
   * @default 8 hex digits derived from the experiment id (the server scopes ids to the experiment anyway)
   */
  runId?: string | undefined;
  /** Events per request (the API takes at most 10000). @default 5000 */
  batchSize?: number | undefined;
  /** Longest time an event waits for its batch to fill, in milliseconds. @default 1000 */
  flushInterval?: number | undefined;
  /** Batches in flight at once. @default 4 */
  concurrency?: number | undefined;
  /** Unsettled events above which `saturated` is true; `drain()` then waits until half of it. @default 100000 */
  highWaterMark?: number | undefined;
  /** Hard bound on unsettled events; past it `log()` throws {@link MetricsIngestorFullError} (or drops, see `onOverflow`). @default 2000000 */
  maxBufferedEvents?: number | undefined;
  /** What `log()` does at `maxBufferedEvents`: `'throw'` or `'drop'` (counted in the report). @default 'throw' */
  onOverflow?: 'throw' | 'drop' | undefined;
  /** Ask the server to store each batch before answering (so per-event rejections are known). @default true */
  sync?: boolean | undefined;
  /** Retries of a batch on core's transient failures (connection errors, 408, 429, 5xx but 501), with backoff and `Retry-After`. @default 10 */
  maxRetries?: number | undefined;
  /** Send the time each value was logged as `timestamp`. @default true */
  timestamps?: boolean | undefined;
  /**
   * Continue this run's step-less series where an earlier process left them: `log('gpu_util', v)`
   * then numbers its values `#<n>` after the last one the spool (or else the server) knows. Without
   * it each ingestor numbers step-less values in a session of its own (`#<session>.<n>`), so a
   * restarted process never reuses the ids of the one before. Resume one run from one process at a
   * time. Node, Bun and Deno only.
   * @default false
   */
  resume?: boolean | undefined;
  /**
   * Keep every batch in a local append-only file of this experiment before sending it, so a crash
   * or an unreachable server loses nothing: the next ingestor of the experiment, or
   * `client.syncSpool()` / `trainwire-metrics syvain sync`, sends what the server never acknowledged,
   * once. `true` uses `$XDG_STATE_HOME/trainwire/metrics-spool` (else `~/.local/state/…`). Node,
   * Bun and Deno only (loaded from `@trainwire/metrics/spool` when asked for).
   * @default false
   */
  spool?: boolean | { dir?: string | undefined } | undefined;
  /**
   * When the process ends without `close()` (the event loop runs dry, SIGINT, SIGTERM), flush and
   * wait at most this many milliseconds, then end as the process would have; what was not sent is
   * logged (and stays in the spool, with one). 0 turns the exit hooks off.
   * @default 5000
   */
  exitTimeout?: number | undefined;
}

/** What a {@link MetricsIngestor} is given besides its options (the client passes these). */
export interface MetricsIngestorEnvironment {
  /** Where a lost or unsent point is reported. @default console */
  logger?: Pick<Logger, 'warn' | 'error'> | undefined;
  /** Opens the spool. @default `openMetricsSpool` of `@trainwire/metrics/spool`, loaded on first use */
  openSpool?: SpoolOpener | undefined;
  /** The experiment's points of one metric on the server (where a resumed series is looked up). @default none: it starts at 0 */
  listPoints?: ((name: string) => AsyncIterable<ListedPoint>) | undefined;
  /** A spool that cannot be opened fails `close()` (instead of being logged and done without). @default false */
  strict?: boolean | undefined;
}

/** Events that did not make it, grouped by reason. */
export interface IngestFailure {
  reason: string;
  events: number;
  /** Up to 10 of their ids, when the server named them. */
  client_event_ids: string[];
}

/**
 * What happened to the events logged so far:
 * `logged + recovered = accepted + duplicates + failed + pending` (+ `dropped`, never sent).
 */
export interface IngestReport {
  /** Events `log()` took. */
  logged: number;
  /** Events earlier processes left in the spool unacknowledged, which this ingestor sends. */
  recovered: number;
  /** Events sent at least once. */
  sent: number;
  /** Events the server stored for the first time. */
  accepted: number;
  /** Events the server already had under the same `client_event_id` (e.g. re-sent after a restart). */
  duplicates: number;
  /** Events refused by the server or whose batch failed after every retry. */
  failed: number;
  /** Of `failed`, events kept in the spool: the next ingestor of the experiment or `syncSpool()` sends them. */
  inSpool: number;
  /** Events `log()` dropped at `maxBufferedEvents` with `onOverflow: 'drop'`. */
  dropped: number;
  /** Events logged but not settled yet. */
  pending: number;
  failures: IngestFailure[];
}

/** `log()` was called with `maxBufferedEvents` events unsettled; `await ingestor.drain()` in the loop. */
export class MetricsIngestorFullError extends MetricsApiError {
  static override readonly brand: string = 'MetricsIngestorFullError';
}

/** A step of the walk from a metric name through its metadata to a series. */
interface SeriesNode {
  series?: number;
  children?: Map<unknown, SeriesNode>;
}

const MAX_BATCH = 10_000;

/**
 * A buffered metric writer for training loops, made by `client.ingestor(experimentId)`.
 *
 * - `log(name, value, { step, metadata })` is synchronous: it checks the point, stores it in a
 *   columnar batch and returns. Batches are cut at `batchSize` events or after `flushInterval` ms.
 * - Up to `concurrency` batches are in flight; each is retried with the same `Idempotency-Key`, and
 *   every event carries a `client_event_id` derived from (run, name, step, metadata), so the server
 *   stores each event once however often it is re-sent, including by a restarted process.
 * - Backpressure: past `highWaterMark` unsettled events, `saturated` is true and `await drain()`
 *   waits for the backlog to halve; `log()` itself never waits. At `maxBufferedEvents` it throws
 *   {@link MetricsIngestorFullError} (or drops and counts, with `onOverflow: 'drop'`).
 * - `flush()` sends what is buffered and resolves, once everything logged before it has settled, with
 *   an {@link IngestReport}; `close()` does the same and refuses further `log()` calls.
 * - Durability: without `close()`, buffered points are flushed when the process ends (`exitTimeout`).
 *   With `spool`, a batch is appended to a local file when it is cut, before it is sent: from then on
 *   it survives the process being killed; `checkpoint()` also fsyncs without waiting for the server.
 */
export class MetricsIngestor {
  readonly experimentId: string;
  readonly #send: IngestBatchSender;
  readonly #run: string;
  readonly #session: string;
  readonly #resume: boolean;
  readonly #batchSize: number;
  readonly #flushInterval: number;
  readonly #concurrency: number;
  readonly #highWaterMark: number;
  readonly #maxBuffered: number;
  readonly #drop: boolean;
  readonly #sync: boolean;
  readonly #maxRetries: number;
  readonly #timestamps: boolean;
  readonly #abort = new AbortController();
  readonly #durable: Durability;

  readonly #series: Series[] = [];
  readonly #tree = new Map<string, SeriesNode>();
  readonly #queue: Batch[] = [];
  readonly #free: Chunk[] = [];
  readonly #inflight = new Set<number>();
  readonly #flushWaiters: { through: number; resolve: () => void }[] = [];
  #drainWaiters: (() => void)[] = [];
  readonly #failures = new Map<string, IngestFailure>();
  #current: Chunk | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pumpScheduled = false;
  #batches = 0;
  #buffered = 0;
  #closing: Promise<IngestReport> | undefined;
  #lastTime = Number.NaN;
  #lastIso = '';
  readonly #counts = { logged: 0, recovered: 0, sent: 0, accepted: 0, duplicates: 0, failed: 0, inSpool: 0, dropped: 0 };

  constructor(
    experimentId: string,
    given: MetricsIngestorOptions | null | undefined,
    send: IngestBatchSender,
    environment: MetricsIngestorEnvironment = {},
  ) {
    const options = given ?? {};
    if (typeof experimentId !== 'string' || experimentId === '') throw new InvalidRequestError('experimentId', 'is required');
    this.experimentId = experimentId;
    this.#send = send;
    this.#run = options.runId ?? stableHash(experimentId).slice(0, 8);
    if (typeof this.#run !== 'string' || this.#run === '' || this.#run.length > 200)
      throw new InvalidRequestError('runId', 'must be a string of 1 to 200 characters');
    this.#session = idempotencyKey().replace(/-/g, '').slice(0, 12);
    this.#resume = options.resume === true;
    this.#batchSize = positive('batchSize', options.batchSize ?? 5_000, MAX_BATCH);
    this.#flushInterval = positive('flushInterval', options.flushInterval ?? 1_000);
    this.#concurrency = positive('concurrency', options.concurrency ?? 4);
    this.#highWaterMark = positive('highWaterMark', options.highWaterMark ?? 100_000);
    this.#maxBuffered = positive('maxBufferedEvents', options.maxBufferedEvents ?? 2_000_000);
    this.#drop = options.onOverflow === 'drop';
    this.#sync = options.sync ?? true;
    this.#maxRetries = options.maxRetries ?? 10;
    this.#timestamps = options.timestamps ?? true;
    // Exit hooks, the spool and resumed series live apart (browser bundles get a small stand-in).
    this.#durable = new IngestDurability(
      {
        experimentId,
        run: this.#run,
        session: this.#session,
        logger: environment.logger ?? globalThis.console,
        queue: this.#queue,
        series: this.#series,
        counts: this.#counts,
        pending: () => this.#buffered,
        encode: (batch) => {
          const body = this.#encode(batch.chunk as Chunk);
          this.#recycle(batch);
          return body;
        },
        enqueue: (body, events, spooled) => {
          this.#queue.push({ index: this.#batches++, events, body, spooled });
          this.#buffered += events;
          this.#counts.recovered += events;
        },
        advance: () => this.#advance(),
        cut: () => this.#cut(),
        flush: () => this.flush(),
        abort: (reason) => this.#abort.abort(new MetricsApiError(reason)),
      },
      { ...options, ...environment },
    );
  }

  /**
   * Record one value; synchronous and cheap. Throws `InvalidRequestError` for a non-finite value, a
   * step that is not a non-negative integer, or bad metadata, and `MetricsApiError` after `close()`.
   */
  log(name: string, value: number, options?: { step?: number | null | undefined; metadata?: Metadata | null | undefined }): void {
    if (this.#closing) throw new MetricsApiError(`The ingestor of experiment ${this.experimentId} is closed.`);
    // `value - value` is 0 for finite numbers only (NaN and ±Infinity give NaN).
    if (typeof value !== 'number' || value - value !== 0)
      throw new InvalidRequestError('value', `must be a finite number (${shown(name)}: ${shown(value)})`);
    const step = options?.step;
    if (step !== undefined && step !== null && !(Number.isSafeInteger(step) && step >= 0))
      throw new InvalidRequestError('step', `must be a non-negative integer (${shown(name)}: ${shown(step)})`);
    const seriesIndex = this.#seriesOf(name, options?.metadata);
    if (this.#buffered >= this.#maxBuffered) {
      if (this.#drop) {
        this.#counts.dropped++;
        return;
      }
      throw new MetricsIngestorFullError(
        `${this.#buffered} metric events are waiting to be sent (maxBufferedEvents); await ingestor.drain() in the loop.`,
      );
    }
    const chunk = this.#current ?? this.#open();
    const index = chunk.length++;
    chunk.series[index] = seriesIndex;
    chunk.values[index] = value;
    if (step === undefined || step === null) {
      const series = this.#series[seriesIndex] as Series;
      if (series.unstepped === 0) this.#durable.stepless(series);
      chunk.steps[index] = -++series.unstepped;
    } else chunk.steps[index] = step;
    if (this.#timestamps) chunk.times[index] = Date.now();
    this.#buffered++;
    this.#counts.logged++;
    if (chunk.length === this.#batchSize) this.#cut();
  }

  /** True while more than `highWaterMark` events are unsettled: a loop that can wait should `await drain()`. */
  get saturated(): boolean {
    return this.#buffered > this.#highWaterMark;
  }

  /** Resolves at once when not `saturated`, else once the unsettled events are down to half of `highWaterMark`. */
  drain(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    this.#cut();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Send everything buffered now; resolves once every event logged before this call has settled. */
  async flush(): Promise<IngestReport> {
    this.#cut();
    // The spool adds what earlier processes left: wait for it, so that is flushed too.
    await this.#durable.opened;
    const through = this.#batches - 1;
    if (this.#settledThrough() < through) await new Promise<void>((resolve) => this.#flushWaiters.push({ through, resolve }));
    return this.report();
  }

  /**
   * Resolves once every point logged before it is durable without waiting for the server: in the
   * spool and fsynced, so it survives a crash or a power loss. Without a spool (or when it could
   * not be opened) the server is the only durable place, and this is `flush()`.
   */
  async checkpoint(): Promise<IngestReport> {
    this.#cut();
    return (await this.#durable.checkpoint()) ? this.report() : this.flush();
  }

  /** Flush, then refuse further `log()` calls; resolves with the final report. Calling it again returns the same. */
  close(): Promise<IngestReport> {
    this.#closing ??= this.flush().then(async () => {
      await this.#durable.close();
      return this.report();
    });
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The counts so far (without waiting). */
  report(): IngestReport {
    return {
      ...this.#counts,
      pending: this.#buffered,
      failures: [...this.#failures.values()].map((failure) => ({ ...failure, client_event_ids: [...failure.client_event_ids] })),
    };
  }

  #seriesOf(name: string, metadata: Metadata | null | undefined): number {
    // Walk name → key → value → key → … (keys sorted); Map lookups of the caller's own strings and
    // numbers cost no allocation. Only a new series pays for the canonical JSON and its checks.
    let node = this.#tree.get(name);
    const keys = metadata === undefined || metadata === null ? undefined : Object.keys(metadata);
    if (keys !== undefined && keys.length > 1) keys.sort();
    if (node !== undefined && keys !== undefined) {
      for (let index = 0; index < keys.length && node !== undefined; index++) {
        const key = keys[index] as string;
        node = node.children?.get(key)?.children?.get((metadata as Metadata)[key]);
      }
    }
    if (node?.series !== undefined) return node.series;
    return this.#addSeries(name, metadata, keys ?? []);
  }

  #addSeries(name: string, metadata: Metadata | null | undefined, keys: string[]): number {
    if (typeof name !== 'string' || name.length === 0 || name.length > 256)
      throw new InvalidRequestError('name', 'must be a string of 1 to 256 characters');
    const canonical = canonicalMetadata(metadata);
    const inJson = (text: string) => JSON.stringify(text).slice(1, -1);
    const suffix = canonical === '' ? '' : `/${stableHash(canonical)}`;
    const series: Series = {
      name,
      head: `{"client_event_id":"${inJson(`${this.#run}/${name}/`)}`,
      tail: `${inJson(suffix)}","name":${JSON.stringify(name)}${canonical === '' ? '' : `,"metadata":${canonical}`},"value":`,
      suffix,
      mark: this.#resume ? '#' : `#${this.#session}.`,
      base: 0,
      unstepped: 0,
    };
    const index = this.#series.push(series) - 1;
    let node = this.#tree.get(name) ?? {};
    this.#tree.set(name, node);
    for (const key of keys) {
      node.children ??= new Map();
      const keyNode: SeriesNode = node.children.get(key) ?? {};
      node.children.set(key, keyNode);
      keyNode.children ??= new Map();
      const value = (metadata as Metadata)[key];
      const valueNode: SeriesNode = keyNode.children.get(value) ?? {};
      keyNode.children.set(value, valueNode);
      node = valueNode;
    }
    node.series = index;
    return index;
  }

  #open(): Chunk {
    const chunk = this.#free.pop() ?? {
      series: new Uint32Array(this.#batchSize),
      values: new Float64Array(this.#batchSize),
      steps: new Float64Array(this.#batchSize),
      times: new Float64Array(this.#timestamps ? this.#batchSize : 0),
      length: 0,
    };
    this.#current = chunk;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#cut();
    }, this.#flushInterval);
    // Do not keep the process alive for a timer: the exit hooks and `close()` flush what is left.
    (this.#timer as { unref?: () => void }).unref?.();
    return chunk;
  }

  /** Queue the current batch (spooling it at once, with a spool) and schedule sending. */
  #cut(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const chunk = this.#current;
    this.#current = undefined;
    if (chunk && chunk.length > 0) {
      this.#queue.push({ index: this.#batches++, events: chunk.length, chunk });
      this.#durable.spoolQueued();
    }
    if (!this.#pumpScheduled && this.#queue.length > 0) {
      this.#pumpScheduled = true;
      // Encode and send after the caller's synchronous work, so `log()` stays cheap.
      queueMicrotask(() => {
        this.#pumpScheduled = false;
        this.#advance();
      });
    }
  }

  #advance(): void {
    // Ids may still be unknown (spool opening, resumed series looked up): then nothing is encoded.
    if (this.#durable.waiting) return;
    this.#durable.spoolQueued();
    while (this.#inflight.size < this.#concurrency && this.#queue.length > 0) {
      const batch = this.#queue.shift() as Batch;
      const { index, events } = batch;
      const body = batch.body ?? this.#encode(batch.chunk as Chunk);
      this.#recycle(batch);
      this.#inflight.add(index);
      this.#counts.sent += events;
      this.#send(body, this.#sync, { maxRetries: this.#maxRetries, idempotencyKey: idempotencyKey(), signal: this.#abort.signal })
        .then(
          (result) => {
            this.#record(result, events);
            this.#durable.release(batch);
          },
          (error: unknown) => {
            this.#fail(error instanceof Error ? error.message : String(error), events, []);
            this.#durable.release(batch, error);
          },
        )
        .finally(() => this.#settle(index, events));
    }
  }

  #recycle(batch: Batch): void {
    const chunk = batch.chunk;
    batch.chunk = undefined;
    if (!chunk) return;
    chunk.length = 0;
    if (this.#free.length <= this.#concurrency) this.#free.push(chunk);
  }

  /** The batch as `{"metrics":[…]}`: one string built from per-series parts (V8 joins them cheaply), then UTF-8. */
  #encode(chunk: Chunk): Uint8Array {
    const series = this.#series;
    const { values, steps, times } = chunk;
    let text = '{"metrics":[';
    for (let index = 0; index < chunk.length; index++) {
      const item = series[chunk.series[index] as number] as Series;
      const step = steps[index] as number;
      if (index > 0) text += ',';
      text +=
        step >= 0
          ? `${item.head}${step}${item.tail}${values[index]},"step":${step}`
          : `${item.head}${item.mark}${item.base - step - 1}${item.tail}${values[index]},"step":null`;
      text += this.#timestamps ? `,"timestamp":"${this.#iso(times[index] as number)}"}` : '}';
    }
    return encoder.encode(`${text}]}`);
  }

  #iso(time: number): string {
    if (time !== this.#lastTime) {
      this.#lastTime = time;
      this.#lastIso = new Date(time).toISOString();
    }
    return this.#lastIso;
  }

  #record(result: IngestResult, count: number): void {
    // The transport checked the answer against the spec, unless `validateResponses` is off: an
    // answer without the counts fails its batch rather than throwing here (and losing track of it).
    if (!isIngestResult(result)) {
      this.#fail('the server answered without the counts of what it stored', count, []);
      return;
    }
    // Counts are capped at the batch, so `logged = accepted + duplicates + failed + pending` holds
    // even when a server answers for more events than it was sent.
    const accepted = Math.min(result.accepted, count);
    const duplicates = Math.min(result.duplicates, count - accepted);
    this.#counts.accepted += accepted;
    this.#counts.duplicates += duplicates;
    const rejected = result.rejected.slice(0, count - accepted - duplicates);
    const byReason = new Map<string, string[]>();
    for (const item of rejected) {
      const ids = byReason.get(item.reason) ?? [];
      ids.push(item.client_event_id);
      byReason.set(item.reason, ids);
    }
    for (const [reason, ids] of byReason) this.#fail(reason, ids.length, ids);
    // A server that answers for fewer events than it was sent has not stored the rest.
    const unaccounted = count - accepted - duplicates - rejected.length;
    if (unaccounted > 0) this.#fail('the server did not account for these events', unaccounted, []);
  }

  #fail(reason: string, events: number, ids: string[]): void {
    this.#counts.failed += events;
    const failure = this.#failures.get(reason) ?? { reason, events: 0, client_event_ids: [] };
    failure.events += events;
    for (const id of ids) if (failure.client_event_ids.length < 10) failure.client_event_ids.push(id);
    this.#failures.set(reason, failure);
  }

  #settle(index: number, count: number): void {
    this.#inflight.delete(index);
    this.#buffered -= count;
    if (this.#drainWaiters.length > 0 && this.#buffered <= this.#highWaterMark / 2) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.#flushWaiters.length > 0) {
      const through = this.#settledThrough();
      for (let position = this.#flushWaiters.length - 1; position >= 0; position--) {
        const waiter = this.#flushWaiters[position] as { through: number; resolve: () => void };
        if (waiter.through <= through) {
          this.#flushWaiters.splice(position, 1);
          waiter.resolve();
        }
      }
    }
    this.#advance();
  }

  /** The highest batch index below which every batch has settled. */
  #settledThrough(): number {
    let lowest = this.#queue[0]?.index ?? this.#batches;
    for (const index of this.#inflight) if (index < lowest) lowest = index;
    return lowest - 1;
  }
}

const encoder = new TextEncoder();

/** A value for an error message; never throws (an object without a prototype has no string form). */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value == null) return String(value);
  return typeof value;
}

function isIngestResult(result: unknown): result is IngestResult {
  const counts = result as Partial<IngestResult> | null | undefined;
  const count = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
  return (
    typeof counts === 'object' &&
    counts !== null &&
    count(counts.accepted) &&
    count(counts.duplicates) &&
    Array.isArray(counts.rejected) &&
    counts.rejected.every((item) => typeof item?.reason === 'string' && typeof item.client_event_id === 'string')
  );
}
function positive(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isFinite(value) || value < 1 || value > max) throw new InvalidRequestError(name, `must be a number from 1 to ${max}`);
  return Math.floor(value);
}
