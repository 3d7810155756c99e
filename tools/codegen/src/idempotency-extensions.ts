import type { ParsedExtension } from './extension-issue.js';
import { show } from './extension-issue.js';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reads the root `x-idempotency-header`: an HTTP header name, or null when absent. */
export function parseIdempotencyHeader(raw: unknown): ParsedExtension<string | null> {
  if (raw === undefined) return { value: null, issues: [] };
  if (typeof raw !== 'string' || !HEADER_NAME.test(raw)) {
    return { value: null, issues: [{ at: [], message: `must be an HTTP header name (got ${show(raw)})` }] };
  }
  return { value: raw, issues: [] };
}

/** Reads an operation's `x-idempotent`: a boolean, or null when absent. */
export function parseIdempotent(raw: unknown): ParsedExtension<boolean | null> {
  if (raw === undefined) return { value: null, issues: [] };
  if (typeof raw !== 'boolean') {
    return { value: null, issues: [{ at: [], message: `must be true or false (got ${show(raw)})` }] };
  }
  return { value: raw, issues: [] };
}
