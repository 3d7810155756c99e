import type { CrossOriginRedirects } from '@trainwire/core';
import type { ParsedExtension } from './extension-issue.js';
import { show } from './extension-issue.js';

const VALUES: readonly CrossOriginRedirects[] = ['error', 'strip-credentials'];

/**
 * Reads `x-cross-origin-redirects` (root or operation): `strip-credentials` when the service
 * redirects to another origin on purpose (its storage) and such a hop may be followed without any
 * credential header; `error` (core's default) to refuse it. Null when absent.
 */
export function parseCrossOriginRedirects(raw: unknown): ParsedExtension<CrossOriginRedirects | null> {
  if (raw === undefined) return { value: null, issues: [] };
  if (VALUES.includes(raw as CrossOriginRedirects)) return { value: raw as CrossOriginRedirects, issues: [] };
  return { value: null, issues: [{ at: [], message: `must be one of ${VALUES.join(', ')} (got ${show(raw)})` }] };
}
