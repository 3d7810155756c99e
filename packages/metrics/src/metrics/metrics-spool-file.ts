/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@trainwire/core';
import type { IngestSpool, SpooledBatch } from './metrics-spool.js';
import { batchLine, parseSpool, raise, type SpoolContents, type SpoolHeader, spoolLine } from './metrics-spool-lines.js';

/** Sessions of this process whose spool file is open: their files are not another ingestor's to take. */
const live = new Set<string>();

/** Refusals re-sending cannot fix (the batch itself is wrong): a batch answered so is not kept. */
const FINAL_STATUSES = new Set([400, 413, 422]);

/** Settled batches' bytes past which a spool file is rewritten with only what is still pending. */
const COMPACT_BYTES = 64 * 1024 * 1024;

/** Tuning of {@link MetricsSpoolFile.create}. */
export interface SpoolFileOptions {
  /** Settled bytes past which the file is compacted. @default 64 MiB */
  compactBytes?: number | undefined;
  /** Where a write that failed is reported. @default console */
  logger?: Pick<Logger, 'error'> | undefined;
}

const SEGMENT = /^([0-9a-f]{12})\.spool(?:\.adopt-([0-9a-f]{12}))?$/;
const NOFOLLOW = process.platform === 'win32' ? 0 : constants.O_NOFOLLOW;
const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND | NOFOLLOW;

/**
 * One process's spool file of one experiment, `<session>.spool` in the experiment's folder. Each
 * process writes a file of its own, so concurrent processes never share one. Opening it takes over
 * the files of processes that have ended (renamed to `<theirs>.spool.adopt-<mine>` first: of two
 * processes opening at once only one gets each file), copies their unacknowledged batches into the
 * new file, fsyncs it and removes theirs: a batch is always in exactly one file, or briefly in two
 * (then the server's deduplication by `client_event_id` absorbs the second sending).
 */
export class MetricsSpoolFile implements IngestSpool {
  readonly path: string;
  readonly recovered: SpooledBatch[] = [];
  readonly counters = new Map<string, number>();
  /** Lines of taken-over files that were torn (a crash while writing) or garbled, and skipped. */
  skippedLines = 0;
  readonly #folder: string;
  readonly #header: SpoolHeader;
  readonly #pending = new Map<string, number>();
  readonly #compactBytes: number;
  readonly #logger: Pick<Logger, 'error'>;
  #fd: number;
  #broken = false;
  #next = 0;
  #written = 0;
  #pendingBytes = 0;
  #closed = false;

  private constructor(folder: string, header: SpoolHeader, fd: number, written: number, options: SpoolFileOptions) {
    this.#folder = folder;
    this.#compactBytes = options.compactBytes ?? COMPACT_BYTES;
    this.#logger = options.logger ?? console;
    this.#header = header;
    this.path = join(folder, `${header.session}.spool`);
    this.#fd = fd;
    this.#written = written;
  }

  /** Start a spool file in `folder` (which must exist and be the user's own) and take over what ended processes left. */
  static create(folder: string, experimentId: string, options: SpoolFileOptions = {}): MetricsSpoolFile {
    const header: SpoolHeader = {
      spool: 1,
      experiment: experimentId,
      session: randomBytes(6).toString('hex'),
      pid: process.pid,
      host: hostname(),
      started: new Date().toISOString(),
    };
    const { fd, written } = createFile(folder, header.session, [spoolLine(JSON.stringify(header))]);
    const spool = new MetricsSpoolFile(folder, header, fd, written, options);
    live.add(header.session);
    try {
      spool.#adopt();
    } catch (error) {
      spool.#closeFile();
      throw error;
    }
    return spool;
  }

  append(body: Uint8Array, events: number): string | undefined {
    if (this.#broken) return undefined;
    const id = `${this.#header.session}.${this.#next++}`;
    try {
      const size = this.#write(batchLine(id, body, events));
      this.#pending.set(id, size);
      this.#pendingBytes += size;
      return id;
    } catch (error) {
      // A full disk, say: nothing may follow a torn line, and the points still go to the server.
      this.#broken = true;
      this.#logger.error(
        `Syvain Metrics: writing the spool ${this.path} failed (${(error as Error).message}); points are sent without it.`,
      );
      return undefined;
    }
  }

  settle(id: string, error?: unknown): boolean {
    const status = (error as { status?: unknown } | undefined)?.status;
    if (error !== undefined && !(typeof status === 'number' && FINAL_STATUSES.has(status))) return true;
    const size = this.#pending.get(id);
    if (size === undefined || this.#closed || this.#broken) return false;
    try {
      this.#write(spoolLine(JSON.stringify({ done: id })));
      this.#pending.delete(id);
      this.#pendingBytes -= size;
      if (this.#written - this.#pendingBytes > this.#compactBytes) this.#compact();
    } catch {
      // Not marked done: a later sync sends it again, and the server counts it as a duplicate.
    }
    return false;
  }

  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve, reject) => fsync(this.#fd, (error) => (error ? reject(error) : resolve())));
  }

  async close(counters: ReadonlyMap<string, number>): Promise<void> {
    if (this.#closed) return;
    for (const [key, next] of counters) raise(this.counters, key, next);
    // A file that could not be written is left as it is: its whole lines are still good.
    if (this.#broken) return this.#closeFile();
    if (this.#pending.size === 0 && this.counters.size === 0) {
      this.#closeFile();
      unlinkSync(this.path);
      // The experiment's folder goes when it is empty (another process may be using it: then it stays).
      try {
        rmdirSync(this.#folder);
      } catch {}
      return;
    }
    // What is left, and where resumed series stand, for the next ingestor of the experiment.
    if (this.#pending.size === 0) this.#compact();
    else if (this.counters.size > 0) this.#write(spoolLine(JSON.stringify({ counters: Object.fromEntries(this.counters) })));
    fsyncSync(this.#fd);
    this.#closeFile();
  }

  #closeFile(): void {
    if (this.#closed) return;
    this.#closed = true;
    live.delete(this.#header.session);
    closeSync(this.#fd);
  }

  #write(parts: Uint8Array[]): number {
    let size = 0;
    for (const part of parts) size += part.length;
    const written = writevSync(this.#fd, parts);
    // A short write leaves a torn line, which readers skip; nothing may follow it.
    if (written !== size) throw new Error(`wrote ${written} of ${size} bytes to ${this.path}`);
    this.#written += size;
    return size;
  }

  /** Rewrite the file as its header, the counters and the batches still pending (atomically: a new file renamed over it). */
  #compact(): void {
    const contents = parseSpool(readFileSync(this.path));
    for (const [key, next] of contents.counters) raise(this.counters, key, next);
    const lines = [spoolLine(JSON.stringify(this.#header))];
    if (this.counters.size > 0) lines.push(spoolLine(JSON.stringify({ counters: Object.fromEntries(this.counters) })));
    for (const [id, batch] of contents.batches) if (this.#pending.has(id)) lines.push([batch.line]);
    const { fd, written } = createFile(this.#folder, this.#header.session, lines);
    closeSync(this.#fd);
    this.#fd = fd;
    this.#written = written;
  }

  /** Take over the files of ended processes: rename, copy what is pending into this file, fsync, remove. */
  #adopt(): void {
    const merged: SpoolContents = { header: undefined, batches: new Map(), done: new Set(), counters: new Map(), skipped: 0 };
    const taken: string[] = [];
    for (const name of readdirSync(this.#folder)) {
      const match = SEGMENT.exec(name);
      if (!match || match[1] === this.#header.session) continue;
      // A file being taken over belongs to its taker while the taker lives.
      if (this.#running((match[2] ?? match[1]) as string)) continue;
      const claimed = join(this.#folder, `${match[1]}.spool.adopt-${this.#header.session}`);
      try {
        renameSync(join(this.#folder, name), claimed);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process took it first
        throw error;
      }
      const bytes = readOwnFile(claimed);
      const contents = bytes ? parseSpool(bytes) : undefined;
      // Not the user's own file, or another experiment's: put it back, untouched.
      if (!contents || (contents.header && contents.header.experiment !== this.#header.experiment)) {
        renameSync(claimed, join(this.#folder, name));
        continue;
      }
      taken.push(claimed);
      for (const [id, batch] of contents.batches) if (!merged.batches.has(id)) merged.batches.set(id, batch);
      for (const id of contents.done) merged.done.add(id);
      for (const [key, next] of contents.counters) raise(this.counters, key, next);
      this.skippedLines += contents.skipped;
    }
    if (taken.length === 0) return;
    if (this.counters.size > 0) this.#write(spoolLine(JSON.stringify({ counters: Object.fromEntries(this.counters) })));
    for (const [id, batch] of merged.batches) {
      if (merged.done.has(id)) continue;
      this.#write([batch.line]);
      this.#pending.set(id, batch.line.length);
      this.#pendingBytes += batch.line.length;
      this.recovered.push({ id, body: batch.body, events: batch.events });
    }
    fsyncSync(this.#fd);
    for (const path of taken) unlinkSync(path);
  }

  /** Whether the process of `session` still runs (so its file is not to be taken). */
  #running(session: string): boolean {
    if (live.has(session)) return true;
    const header = readHeader(join(this.#folder, `${session}.spool`));
    // No file: the taker ended (or finished); a header that does not check out was never a writer's.
    if (header === undefined) return false;
    // Another machine's process (a shared folder) cannot be checked: leave its file alone.
    if (header.host !== this.#header.host) return true;
    // This process's pid, but not a live session of it: an earlier process with the same pid (a restarted container).
    if (header.pid === process.pid) return false;
    try {
      process.kill(header.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** Write `lines` to a new file and rename it to `<session>.spool`; returns its descriptor (open for appending) and size. */
function createFile(folder: string, session: string, lines: Uint8Array[][]): { fd: number; written: number } {
  const temporary = join(folder, `.${session}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temporary, APPEND, 0o600);
  } catch (error) {
    // The folder was removed as empty by a process that just finished: make it again.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    fd = openSync(temporary, APPEND, 0o600);
  }
  let written = 0;
  try {
    for (const parts of lines) written += writevSync(fd, parts);
    fsyncSync(fd);
    renameSync(temporary, join(folder, `${session}.spool`));
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {}
    throw error;
  }
  return { fd, written };
}

/** A file's bytes, unless it is a symlink, not a regular file, or another user's (then it is left alone). */
function readOwnFile(path: string, limit?: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    const user = process.getuid?.();
    if (!info.isFile() || (user !== undefined && info.uid !== user)) return undefined;
    if (limit === undefined) return readFileSync(fd);
    const buffer = Buffer.alloc(Math.min(limit, info.size));
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The header of a spool file (its first line), or undefined. */
export function readHeader(path: string): SpoolHeader | undefined {
  const start = readOwnFile(path, 4096);
  const end = start?.indexOf(10) ?? -1;
  return start && end > 0 ? parseSpool(start.subarray(0, end + 1)).header : undefined;
}
