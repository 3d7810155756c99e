import { InvalidRequestError } from '@trainwire/core';
import type { components } from '../generated/metrics.js';

type Metadata = components['schemas']['Metadata'];

/**
 * The canonical JSON of series metadata (keys sorted), so `{a, b}` and `{b, a}` name one series;
 * '' for none. Values must be strings, finite numbers, booleans or null.
 */
export function canonicalMetadata(metadata: Metadata | null | undefined): string {
  if (metadata === undefined || metadata === null) return '';
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new InvalidRequestError('metadata', 'must be an object');
  const keys = Object.keys(metadata);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const value = metadata[key];
    const kind = typeof value;
    if (!(value === null || kind === 'string' || kind === 'boolean' || (kind === 'number' && Number.isFinite(value))))
      throw new InvalidRequestError(`metadata.${key}`, 'must be a string, a finite number, a boolean or null');
    text += `${index === 0 ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return `${text}}`;
}

/**
 * A 64-bit FNV-1a hash of `text` as 16 hex digits (two 32-bit lanes with different offsets):
 * short, stable across processes and runtimes, and cheap.
 */
export function stableHash(text: string): string {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x01000193) ^ (high >>> 15);
  }
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/**
 * The `client_event_id` of a metric event: `<run>/<name>/<step>`, plus `/<hash of the metadata>`
 * when the series has metadata, so one value per (run, name, step, metadata) and a re-sent event
 * carries the same id. Events without a step use `#<n>`, their order within the series, or
 * `#<session>.<n>` when numbered by one process of the run (what the ingestor does unless it resumes
 * the run), so a restarted process does not reuse the ids of the one before.
 */
export function clientEventId(run: string, name: string, step: number | null, metadata?: Metadata, order = 0, session?: string): string {
  const canonical = canonicalMetadata(metadata);
  const position = step === null ? `#${session === undefined ? '' : `${session}.`}${order}` : String(step);
  return `${run}/${name}/${position}${canonical ? `/${stableHash(canonical)}` : ''}`;
}
