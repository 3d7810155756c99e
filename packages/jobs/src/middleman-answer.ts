import { ResponseValidationError } from '@trainwire/core';

/**
 * Fail with `ResponseValidationError` unless `page` has the `data` array and `total` every list
 * answer carries (an empty 2xx page would otherwise end a walk as if the list were empty). Every
 * Middleman list answers 200.
 */
export function requirePage<Page extends { data: unknown[]; total: number }>(page: Page, operation: string): Page {
  const candidate = page as Partial<Page> | null | undefined;
  if (typeof candidate === 'object' && candidate !== null && Array.isArray(candidate.data) && typeof candidate.total === 'number') {
    return page;
  }
  throw new ResponseValidationError({
    status: 200,
    path: '$',
    reason: 'a page must carry `data` (an array) and `total` (a number)',
    operation: `Middleman ${operation}`,
  });
}

/** The hosts plain http is fine for (as core's `normalizeBaseURL` has them). */
const LOOPBACK = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Fail with `ResponseValidationError` unless the presigned `upload_url` is an absolute https URL
 * (plain http only to a loopback host or with `allowInsecureHTTP`, as for the base URL: the file
 * would travel unencrypted). The URL is never quoted: its query is the signature.
 */
export function requireUploadUrl(url: string, allowInsecureHTTP = false): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol === 'https:') return parsed;
  if (parsed?.protocol === 'http:' && (allowInsecureHTTP || LOOPBACK.test(parsed.hostname))) return parsed;
  throw new ResponseValidationError({
    status: 200,
    path: '$.upload_url',
    reason:
      parsed?.protocol === 'http:'
        ? `plain http to ${parsed.hostname} would send the file unencrypted (pass { allowInsecureHTTP: true } to allow it)`
        : 'must be an absolute https URL',
    operation: 'Middleman getUploadUrl',
  });
}
