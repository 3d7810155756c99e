import type { components } from '../generated/tensafe.js';
import { sha256Hex } from './sha256.js';
import { canonicalJson } from './tensafe-canonical-json.js';

/** One audit log entry, as the server sends it. */
export type AuditLogEntry = components['schemas']['AuditLogEntry'];

/** The `prev_hash` of the first entry of a TenSafe audit chain. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

/** What {@link verifyAuditChain} found. */
export type AuditChainVerification =
  | { valid: true; checked: number; lastHash: string | undefined }
  | {
      valid: false;
      /** Position of the first broken entry in the list given. */
      index: number;
      entry_id: string;
      /** `record_hash`: the entry was altered; `prev_hash`: an entry before it was removed, added or altered. */
      field: 'record_hash' | 'prev_hash';
      expected: string;
      actual: string;
      message: string;
    };

/** Options of {@link verifyAuditChain}. */
export interface VerifyAuditChainOptions {
  /**
   * The hash the first entry must link to: {@link GENESIS_HASH} when the list starts the chain,
   * or the `record_hash` of the entry before it. @default undefined (the first link is not checked)
   */
  previousHash?: string | undefined;
  /**
   * Check the `prev_hash` links. The server keeps one chain across all tenants, so a tenant's view
   * has gaps when others write too: then pass false to check each entry's own hash only. @default true
   */
  checkLinks?: boolean | undefined;
}

/** The `record_hash` the server computes for `entry`: sha256 of its canonical record. */
export function auditRecordHash(entry: AuditLogEntry): string {
  const record: Record<string, unknown> = {
    entry_id: entry.entry_id,
    tenant_id: entry.tenant_id,
    training_client_id: entry.training_client_id,
    operation: entry.operation,
    request_hash: entry.request_hash,
    request_size_bytes: entry.request_size_bytes,
    artifact_ids_produced: [...entry.artifact_ids_produced].sort(),
    artifact_ids_consumed: [...entry.artifact_ids_consumed].sort(),
    started_at: entry.started_at,
    completed_at: entry.completed_at ?? null,
    success: entry.success,
    prev_hash: entry.prev_hash,
  };
  if (entry.dp_metrics !== undefined && entry.dp_metrics !== null) record.dp_metrics = entry.dp_metrics;
  return `sha256:${sha256Hex(canonicalJson(record))}`;
}

/**
 * Check TenSafe's audit hash chain client-side: every entry's `record_hash` must match its
 * content, and every `prev_hash` the `record_hash` of the entry before it. Pass an unfiltered,
 * contiguous run of entries (filters leave gaps in the chain). Names the first broken entry.
 */
export function verifyAuditChain(entries: readonly AuditLogEntry[], options: VerifyAuditChainOptions = {}): AuditChainVerification {
  const checkLinks = options.checkLinks ?? true;
  let previous = options.previousHash;
  for (const [index, entry] of entries.entries()) {
    if (checkLinks && previous !== undefined && entry.prev_hash !== previous) {
      return broken(index, entry, 'prev_hash', previous, entry.prev_hash);
    }
    const expected = auditRecordHash(entry);
    if (entry.record_hash !== expected) return broken(index, entry, 'record_hash', expected, entry.record_hash);
    previous = entry.record_hash;
  }
  return { valid: true, checked: entries.length, lastHash: previous };
}

function broken(index: number, entry: AuditLogEntry, field: 'record_hash' | 'prev_hash', expected: string, actual: string) {
  const why = field === 'record_hash' ? 'its content does not match its record_hash' : 'its prev_hash does not link to the entry before it';
  return {
    valid: false as const,
    index,
    entry_id: entry.entry_id,
    field,
    expected,
    actual,
    message: `Audit chain broken at entry ${index} (${entry.entry_id}): ${why}.`,
  };
}
