/// <reference types="node" />
import { createHash } from 'node:crypto';
import type { SpooledBatch } from './metrics-spool.js';

/**
 * The spool's lines. Each is `<16 hex digits of its SHA-256> <JSON>\n`, so a line cut short by a
 * crash or garbled on disk is recognised and skipped instead of being sent:
 * - `{"spool":1,"experiment","session","pid","host","started"}` first, naming the writer;
 * - `{"batch":"<session>.<n>","events":N,"body":{"metrics":[…]}}` before a batch is sent;
 * - `{"done":"<batch id>"}` once the server answered it for good;
 * - `{"counters":{"<run>/<name>/#[/<hash>]":next}}`: where resumed step-less series left off.
 */

/** Who wrote a spool file. */
export interface SpoolHeader {
  spool: 1;
  experiment: string;
  session: string;
  pid: number;
  host: string;
  started: string;
}

/** What a spool file holds, after skipping lines that are torn or do not check out. */
export interface SpoolContents {
  header: SpoolHeader | undefined;
  /** Batches by id, in file order, with their whole line (to copy it as is). */
  batches: Map<string, SpooledBatch & { line: Buffer }>;
  done: Set<string>;
  counters: Map<string, number>;
  /** Lines skipped: the last one cut short by a crash, or any whose checksum does not match. */
  skipped: number;
}

const BATCH = /^\{"batch":"([A-Za-z0-9.]{1,64})","events":(\d{1,6}),"body":/;
// A step-less id of a resumed run: `<run>/<name>/#<n>`, then the metadata hash if any.
const RESUMED = /^(.*\/#)(\d{1,15})((?:\/[0-9a-f]{16})?)$/;

const checksum = (parts: (string | Uint8Array)[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 16);
};

/** One line of the spool from its JSON, given in parts (a batch's body is not copied to be hashed). */
export function spoolLine(...parts: (string | Uint8Array)[]): Uint8Array[] {
  return [Buffer.from(`${checksum(parts)} `), ...parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)), NEWLINE];
}

/** A batch's line, in parts. */
export const batchLine = (id: string, body: Uint8Array, events: number): Uint8Array[] =>
  spoolLine(`{"batch":"${id}","events":${events},"body":`, body, '}');

const NEWLINE = Buffer.from('\n');

/** Read a spool file's bytes into its records. */
export function parseSpool(bytes: Buffer): SpoolContents {
  const contents: SpoolContents = { header: undefined, batches: new Map(), done: new Set(), counters: new Map(), skipped: 0 };
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    // No newline: the last write was cut short.
    if (end === -1) {
      contents.skipped++;
      break;
    }
    const line = bytes.subarray(start, end + 1);
    start = end + 1;
    const json = line.subarray(17, line.length - 1);
    if (line.length < 19 || line[16] !== 32 || checksum([json]) !== line.subarray(0, 16).toString('latin1')) {
      contents.skipped++;
      continue;
    }
    try {
      read(contents, line, json);
    } catch {
      contents.skipped++;
    }
  }
  return contents;
}

function read(contents: SpoolContents, line: Buffer, json: Buffer): void {
  const head = BATCH.exec(json.subarray(0, 100).toString('utf8'));
  if (head) {
    const [prefix, id, events] = head as unknown as [string, string, string];
    const body = json.subarray(Buffer.byteLength(prefix), json.length - 1);
    contents.batches.set(id, { id, events: Number(events), body, line });
    countersOf(body, contents.counters);
    return;
  }
  const record = JSON.parse(json.toString('utf8')) as { spool?: number; done?: string; counters?: Record<string, number> };
  if (record.spool === 1) contents.header ??= record as SpoolHeader;
  else if (typeof record.done === 'string') contents.done.add(record.done);
  else if (record.counters) for (const [key, next] of Object.entries(record.counters)) raise(contents.counters, key, next);
}

/** Raise each resumed series' counter past the step-less ids in a batch body. */
function countersOf(body: Buffer, counters: Map<string, number>): void {
  // Only a resumed run numbers step-less values `#<n>`; most batches have none to look at.
  if (body.indexOf('"step":null') === -1) return;
  const { metrics } = JSON.parse(body.toString('utf8')) as { metrics: { client_event_id: string; step: number | null }[] };
  for (const event of metrics) {
    const match = event.step === null ? RESUMED.exec(event.client_event_id) : null;
    if (match) raise(counters, `${match[1]}${match[3]}`, Number(match[2]) + 1);
  }
}

/** Keep the highest next number of a series. */
export function raise(counters: Map<string, number>, key: string, next: number): void {
  if (Number.isSafeInteger(next) && next > (counters.get(key) ?? -1)) counters.set(key, next);
}
