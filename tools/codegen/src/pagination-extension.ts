import type { PaginationDefinition } from '@trainwire/core';
import type { ExtensionIssue, ParsedExtension } from './extension-issue.js';
import { DOTTED_PATH, show } from './extension-issue.js';
import { isRecord } from './json-pointer.js';

type Style = PaginationDefinition['style'];

/** Per style: the query-parameter fields and body-path fields, with their defaults (`undefined` = required). */
const STYLE_FIELDS: Record<Style, { params: Record<string, string | undefined>; paths: Record<string, string | null | undefined> }> = {
  offset: { params: { offsetParam: 'offset', limitParam: 'limit' }, paths: { total: null } },
  page: { params: { pageParam: 'page', perPageParam: 'per_page' }, paths: { hasNext: null } },
  cursor: { params: { cursorParam: undefined }, paths: { nextCursor: undefined } },
  none: { params: {}, paths: {} },
};

const STYLES = Object.keys(STYLE_FIELDS) as Style[];

/**
 * Reads an operation's `x-pagination`, fills in the defaults and checks that each named query
 * parameter is declared (`queryParams` is null when the parameter list could not be resolved).
 */
export function parsePagination(raw: unknown, queryParams: ReadonlySet<string> | null): ParsedExtension<PaginationDefinition> {
  if (!isRecord(raw)) {
    return { value: null, issues: [{ at: [], message: `must be an object (got ${show(raw)})` }] };
  }
  const style = raw.style;
  if (style === undefined) {
    return { value: null, issues: [{ at: [], onKey: true, message: 'style is required' }] };
  }
  if (typeof style !== 'string' || !(STYLES as string[]).includes(style)) {
    const message = `style must be one of ${STYLES.join(', ')} (got ${show(style)})`;
    return { value: null, issues: [{ at: ['style'], message }] };
  }
  const fields = STYLE_FIELDS[style as Style];
  const issues: ExtensionIssue[] = [];
  const value: Record<string, string | null> = { style };

  const allowed = ['style', 'items', ...Object.keys(fields.params), ...Object.keys(fields.paths)];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      const message = `unknown key '${key}' for style '${style}' (allowed: ${allowed.join(', ')})`;
      issues.push({ at: [key], onKey: true, message });
    }
  }

  value.items = readPath(raw, 'items', undefined, true, issues);
  const claimed = new Map<string, string>();
  for (const [key, fallback] of Object.entries(fields.params)) {
    const name = readString(raw, key, fallback, issues);
    value[key] = name;
    if (name === null) continue;
    const at = key in raw ? [key] : [];
    const other = claimed.get(name);
    if (other !== undefined) {
      issues.push({ at, onKey: at.length === 0, message: `${key} and ${other} must name different parameters (both '${name}')` });
    } else if (queryParams !== null && !queryParams.has(name)) {
      issues.push({ at, onKey: at.length === 0, message: `${key} '${name}' is not a query parameter of this operation` });
    }
    claimed.set(name, key);
  }
  for (const [key, fallback] of Object.entries(fields.paths)) {
    value[key] = readPath(raw, key, fallback, false, issues);
  }
  if (issues.length > 0) return { value: null, issues };
  return { value: value as unknown as PaginationDefinition, issues };
}

/** Reads an optional or required string field; `undefined` as fallback means required. */
function readString(
  raw: Record<string, unknown>,
  key: string,
  fallback: string | null | undefined,
  issues: ExtensionIssue[],
): string | null {
  const given = raw[key];
  if (given === undefined || given === null) {
    if (fallback === undefined) issues.push({ at: [], onKey: true, message: `${key} is required` });
    return fallback ?? null;
  }
  if (typeof given !== 'string' || given === '') {
    issues.push({ at: [key], message: `${key} must be a non-empty string (got ${show(given)})` });
    return null;
  }
  return given;
}

function readPath(
  raw: Record<string, unknown>,
  key: string,
  fallback: string | null | undefined,
  allowBody: boolean,
  issues: ExtensionIssue[],
): string | null {
  const count = issues.length;
  const value = readString(raw, key, fallback, issues);
  if (value === null || issues.length > count) return value;
  if (!DOTTED_PATH.test(value) || (value === '.' && !allowBody)) {
    const expected = allowBody ? "a dotted path like 'data.items', or '.'" : "a dotted path like 'meta.total'";
    issues.push({ at: [key], message: `${key} must be ${expected} (got ${show(value)})` });
  }
  return value;
}

/** The body-path fields of a pagination definition that name something in the 200 body. */
export function paginationBodyPaths(pagination: PaginationDefinition): [string, string][] {
  const entries = Object.entries(pagination).filter(
    (entry): entry is [string, string] => ['items', 'total', 'hasNext', 'nextCursor'].includes(entry[0]) && typeof entry[1] === 'string',
  );
  return entries;
}
