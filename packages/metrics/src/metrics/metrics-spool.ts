import type { Logger } from '@trainwire/core';

/**
 * What the ingestor needs of its durable spool (types only: the Node implementation is
 * `@trainwire/metrics/spool`, loaded when `spool` is asked for, so browser bundles never carry it).
 */

/** A batch an earlier process wrote to the spool and the server never acknowledged. */
export interface SpooledBatch {
  /** The batch's id in the spool (`<session>.<n>` of the process that wrote it). */
  id: string;
  /** The request body, byte for byte as first written: `{"metrics":[…]}`. */
  body: Uint8Array;
  /** Events in it. */
  events: number;
}

/** Where and how to open a spool. */
export interface SpoolOpenOptions {
  /** The spool folder. @default `$XDG_STATE_HOME/trainwire/metrics-spool`, else `~/.local/state/trainwire/metrics-spool` */
  dir?: string | undefined;
  /** Where a spool that can no longer be written says so. @default console */
  logger?: Pick<Logger, 'error'> | undefined;
}

/**
 * One process's append-only spool file of one experiment. A batch is appended (one `write`) before
 * it is sent and marked done once the server answered it for good, so a crash loses nothing that
 * was appended and re-sends nothing that was acknowledged.
 */
export interface IngestSpool {
  /** This process's spool file. */
  readonly path: string;
  /** Batches of earlier processes that were never acknowledged, now this spool's to send. */
  readonly recovered: readonly SpooledBatch[];
  /** The next step-less number of each resumed series (`<run>/<name>/#[/<hash>]`), as earlier processes left it. */
  readonly counters: ReadonlyMap<string, number>;
  /**
   * Append a batch synchronously (it survives the process being killed once this returns); returns
   * its id, or undefined when the file cannot be written (then it logs why, once, and takes nothing more).
   */
  append(body: Uint8Array, events: number): string | undefined;
  /**
   * The sending of a batch ended, with `error` when it failed. An answer, or a refusal re-sending
   * cannot fix (400, 413, 422), marks it done; otherwise it stays for a later sync: returns true then.
   */
  settle(id: string, error?: unknown): boolean;
  /** Make everything appended so far survive a power loss too (fsync). */
  sync(): Promise<void>;
  /**
   * Stop writing. Batches not settled stay for the next ingestor of the experiment or `syncSpool()`;
   * when none are left the file is removed (keeping `counters` for a later resumed run).
   */
  close(counters: ReadonlyMap<string, number>): Promise<void>;
}

/** Opens the spool of an experiment (what `@trainwire/metrics/spool` exports as `openMetricsSpool`). */
export type SpoolOpener = (experimentId: string, options: SpoolOpenOptions) => Promise<IngestSpool>;
