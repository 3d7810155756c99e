/// <reference types="node" />
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type CliIo, configFolder, readSecureFile, removeSecureFile, writeSecureFile } from '@trainwire/cli-kit';

/** A write that was sent (or about to be) and has not been seen to finish. */
export interface PendingOperation {
  /** What was run: `jobs create`. */
  command: string;
  /** sha256 of the request (base URL, key, body): the same command run again has the same one. */
  fingerprint: string;
  idempotency_key: string;
  started_at: string;
}

/** The server keeps idempotency keys about a day; an older pending entry is dropped. */
const KEPT_FOR_MS = 24 * 3_600_000;

/** `$XDG_CONFIG_HOME/middleman/pending.json`: the writes that did not finish. */
export function pendingPath(io: Pick<CliIo, 'env' | 'home'>): string {
  return join(configFolder(io, 'middleman'), 'pending.json');
}

/** A fingerprint of a request: the same command, account and server give the same one. */
export function requestFingerprint(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function readPending(io: CliIo): Promise<PendingOperation[]> {
  const text = await readSecureFile(pendingPath(io));
  if (!text) return [];
  try {
    const operations = (JSON.parse(text) as { operations?: PendingOperation[] }).operations;
    return Array.isArray(operations) ? operations.filter((entry) => Date.now() - Date.parse(entry.started_at) < KEPT_FOR_MS) : [];
  } catch {
    return []; // a torn or edited file must not block new work; the keys in it were only a safety net
  }
}

async function writePending(io: CliIo, operations: PendingOperation[]): Promise<void> {
  if (operations.length === 0) await removeSecureFile(pendingPath(io));
  else await writeSecureFile(pendingPath(io), `${JSON.stringify({ operations }, null, 2)}\n`);
}

/**
 * The idempotency key for a write, recorded before it is sent: `given` (`--idempotency-key`), else
 * the key of an unfinished run of the same request (so a re-run after a crash or Ctrl-C cannot
 * act twice), else a new one. `resumed` says a pending entry was found.
 */
export async function beginPending(
  io: CliIo,
  command: string,
  fingerprint: string,
  given?: string,
): Promise<{ operation: PendingOperation; resumed: boolean }> {
  const operations = await readPending(io);
  const earlier = operations.find((entry) => entry.fingerprint === fingerprint && (given === undefined || entry.idempotency_key === given));
  if (earlier) return { operation: earlier, resumed: true };
  const operation = { command, fingerprint, idempotency_key: given ?? randomUUID(), started_at: new Date().toISOString() };
  await writePending(io, [...operations, operation]);
  return { operation, resumed: false };
}

/** Forget a pending write once it finished (or was refused for good). */
export async function endPending(io: CliIo, operation: PendingOperation): Promise<void> {
  const operations = await readPending(io);
  await writePending(
    io,
    operations.filter((entry) => entry.idempotency_key !== operation.idempotency_key),
  );
}
