import { InvalidFutureTokenError } from './future-errors.js';
import { redactValue } from './redact.js';

/** What a future token carries: enough for a service to rebuild the poll of a running operation. */
export interface SavedFuture {
  /** The service's tag for the kind of operation (e.g. `tinker.forward_backward`). */
  kind?: string;
  id: string;
  /** JSON-safe data the service needs to poll again. */
  data?: Record<string, unknown>;
}

/** Encode `saved` as an opaque base64url token of `{ v: 1, kind, id, data }`, registered secrets redacted. */
export function serializeFuture(saved: SavedFuture): string {
  const data = saved.data === undefined ? undefined : redactValue(saved.data);
  const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, kind: saved.kind, id: saved.id, data }));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decode a token made by {@link serializeFuture}; throws {@link InvalidFutureTokenError} on anything else. */
export function parseFutureToken(token: string): SavedFuture {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new InvalidFutureTokenError('expected a non-empty base64url string');
  }
  let value: unknown;
  try {
    const base64 = token
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(token.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InvalidFutureTokenError('not base64url-encoded JSON', { cause: error });
  }
  if (!isRecord(value) || value.v !== 1) throw new InvalidFutureTokenError('unknown format version');
  const { kind, id, data } = value;
  if (typeof id !== 'string' || id === '') throw new InvalidFutureTokenError('missing id');
  if (kind !== undefined && typeof kind !== 'string') throw new InvalidFutureTokenError('kind is not a string');
  if (data !== undefined && !isRecord(data)) throw new InvalidFutureTokenError('data is not an object');
  return { id, ...(kind === undefined ? {} : { kind }), ...(data === undefined ? {} : { data }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
