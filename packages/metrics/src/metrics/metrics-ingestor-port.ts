import type { Logger } from '@trainwire/core';
import type { SpoolOpener } from './metrics-spool.js';

/**
 * What the ingestor shares with its durability (exit hooks, spool, resumed series): types only.
 * The durability lives in a module of its own that browser bundles swap for a small stand-in
 * (package.json `browser`), so they carry none of it.
 */

/** One series (a name and its metadata) and how its ids are written. */
export interface Series {
  name: string;
  /** `{"client_event_id":"<run>/<name>/` */
  head: string;
  /** `<suffix>","name":…,"metadata":…,"value":` */
  tail: string;
  /** `/<hash of the metadata>`, or ''. */
  suffix: string;
  /** How step-less ids go on after `<run>/<name>/`: `#<session>.`, or `#` in a resumed run. */
  mark: string;
  /** The number of this process's first step-less event (where a resumed run left off); NaN while looked up. */
  base: number;
  /** Events without a step logged so far. */
  unstepped: number;
}

/** Columns of one batch: a point costs 32 bytes and no object. */
export interface Chunk {
  series: Uint32Array;
  values: Float64Array;
  /** The step, or -(n + 1) for the n-th event of its series logged without one. */
  steps: Float64Array;
  times: Float64Array;
  length: number;
}

/** A batch waiting or in flight: its points (columns), or the encoded body once spooled. */
export interface Batch {
  index: number;
  events: number;
  chunk?: Chunk | undefined;
  body?: Uint8Array | undefined;
  /** Its id in the spool. */
  spooled?: string | undefined;
}

/** A point of the experiment as the server lists it (what a resumed series is looked up in). */
export interface ListedPoint {
  client_event_id: string;
  step: number | null;
}

/** Options of the durability, from the ingestor's (see `MetricsIngestorOptions`). */
export interface DurabilityOptions {
  resume?: boolean | undefined;
  spool?: boolean | { dir?: string | undefined } | undefined;
  exitTimeout?: number | undefined;
  /** Opens the spool instead of `@trainwire/metrics/spool`'s `openMetricsSpool`. */
  openSpool?: SpoolOpener | undefined;
  /** The experiment's points of one metric on the server, every page (for resumed series). */
  listPoints?: ((name: string) => AsyncIterable<ListedPoint>) | undefined;
  /** A spool that cannot be opened fails `close()` instead of being logged and done without (`syncSpool()`). */
  strict?: boolean | undefined;
}

/** The ingestor's inside, as its durability sees it. */
export interface IngestorPort {
  readonly experimentId: string;
  /** The run part of every id. */
  readonly run: string;
  /** This ingestor's own numbering of step-less values. */
  readonly session: string;
  readonly logger: Pick<Logger, 'warn' | 'error'> | undefined;
  /** Batches waiting to be sent, oldest first. */
  readonly queue: Batch[];
  readonly series: Series[];
  /** The report's counters this side keeps. */
  readonly counts: { recovered: number; inSpool: number };
  /** Events logged and not settled. */
  pending(): number;
  /** Encode a queued batch's points into its body (and recycle its columns). */
  encode(batch: Batch): Uint8Array;
  /** Queue a batch an earlier process spooled and the server never acknowledged. */
  enqueue(body: Uint8Array, events: number, spooled: string): void;
  /** Send what can be sent now (after the spool opened or a resumed series was found). */
  advance(): void;
  /** Cut the batch being filled. */
  cut(): void;
  flush(): Promise<unknown>;
  /** Abort every send in flight and to come. */
  abort(reason: string): void;
}

/** The durability of one ingestor. */
export interface Durability {
  /** True while ids or the spool are not ready: nothing is encoded or sent meanwhile. */
  readonly waiting: boolean;
  /** Settles once the spool is open and what it recovered is queued. */
  readonly opened: Promise<void> | undefined;
  /** Append to the spool every queued batch not on disk yet (synchronous). */
  spoolQueued(): void;
  /** A batch's sending ended, with `error` when it failed; true when it stays in the spool for later. */
  release(batch: Batch, error?: unknown): boolean;
  /** The first step-less value of `series` was just logged. */
  stepless(series: Series): void;
  /** Make what is spooled survive a power loss; false when there is no spool (the server is the durable place). */
  checkpoint(): Promise<boolean>;
  close(): Promise<void>;
}
