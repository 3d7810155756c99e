import type { Document } from '@redocly/openapi-core';
import { readAuth } from './auth-definition.js';
import { checkBodyPath } from './body-path.js';
import { parseConflictStatuses } from './conflict-statuses-extension.js';
import { parseCrossOriginRedirects } from './cross-origin-redirects-extension.js';
import type { ExtensionIssue, ParsedExtension } from './extension-issue.js';
import { parseIdempotencyHeader, parseIdempotent } from './idempotency-extensions.js';
import { isRecord, toPointer } from './json-pointer.js';
import { listOperations, type OperationEntry } from './list-operations.js';
import { listParameters } from './list-parameters.js';
import { parseLongRunning } from './long-running-extension.js';
import { paginationBodyPaths, parsePagination } from './pagination-extension.js';
import type { Problem } from './problem.js';
import { isJsonType, successMedia } from './response-content.js';
import { locatePointer } from './spec-location.js';

type Segments = readonly (string | number)[];

/** Checks our `x-` extensions, the auth scheme and operationIds (tools/codegen/FORMAT.md), with locations. */
export function validateExtensions(document: Document, root: string): Problem[] {
  const spec = document.parsed as unknown;
  if (!isRecord(spec)) return [];
  const problems: Problem[] = [];
  const report = (rule: string, base: Segments, issues: readonly ExtensionIssue[]): void => {
    for (const issue of issues) {
      const pointer = toPointer([...base, ...issue.at]);
      const location = locatePointer(document.source, pointer, root, issue.onKey === true);
      problems.push({ ...location, severity: 'error', rule, message: issue.message });
    }
  };

  report('x-idempotency-header', ['x-idempotency-header'], parseIdempotencyHeader(spec['x-idempotency-header']).issues);
  report('x-conflict-statuses', ['x-conflict-statuses'], parseConflictStatuses(spec['x-conflict-statuses']).issues);
  report('x-cross-origin-redirects', ['x-cross-origin-redirects'], parseCrossOriginRedirects(spec['x-cross-origin-redirects']).issues);
  report('auth-scheme', [], readAuth(spec).issues);

  const operations = listOperations(spec);
  const operationIds = knownOperationIds(spec, operations);
  for (const entry of operations) {
    const { operation, at } = entry;
    if (typeof operation.operationId !== 'string' || operation.operationId === '') {
      const issue = { at: ['operationId'], onKey: true, message: 'Operation object should contain `operationId` field.' };
      report('operation-operationId', at, [issue]);
    }
    report('x-idempotent', [...at, 'x-idempotent'], parseIdempotent(operation['x-idempotent']).issues);
    report('x-conflict-statuses', [...at, 'x-conflict-statuses'], parseConflictStatuses(operation['x-conflict-statuses']).issues);
    report(
      'x-cross-origin-redirects',
      [...at, 'x-cross-origin-redirects'],
      parseCrossOriginRedirects(operation['x-cross-origin-redirects']).issues,
    );
    if (operation['x-pagination'] !== undefined) {
      report('x-pagination', [...at, 'x-pagination'], paginationIssues(spec, entry));
    }
    if (operation['x-long-running'] !== undefined) {
      report('x-long-running', [...at, 'x-long-running'], longRunningIssues(spec, entry, operationIds));
    }
  }
  return problems;
}

function paginationIssues(spec: Record<string, unknown>, entry: OperationEntry): readonly ExtensionIssue[] {
  const raw = entry.operation['x-pagination'];
  const { parameters, complete } = listParameters(spec, entry);
  const query = new Set(parameters.filter((parameter) => parameter.in === 'query').map(({ name }) => name));
  const parsed = parsePagination(raw, complete ? query : null);
  if (parsed.value === null) return parsed.issues;
  return bodyPathIssues(spec, entry, raw, paginationBodyPaths(parsed.value), false);
}

function longRunningIssues(
  spec: Record<string, unknown>,
  entry: OperationEntry,
  operationIds: ReadonlySet<string> | null,
): readonly ExtensionIssue[] {
  const raw = entry.operation['x-long-running'];
  const parsed: ParsedExtension<{ id: string }> = parseLongRunning(raw, operationIds);
  if (parsed.value === null) return parsed.issues;
  return bodyPathIssues(spec, entry, raw, [['id', parsed.value.id]], true);
}

/** Checks that each dotted path names something in the success body (200, or any 2xx). */
function bodyPathIssues(
  spec: Record<string, unknown>,
  entry: OperationEntry,
  raw: unknown,
  paths: readonly (readonly [string, string])[],
  anySuccess: boolean,
): ExtensionIssue[] {
  const response = anySuccess ? 'a 2xx response' : 'a 200 response';
  const media = successMedia(spec, entry.operation, anySuccess);
  if (media === 'unknown') return [];
  if (media === 'none' || !isJsonType(media.contentType)) {
    return [{ at: [], onKey: true, message: `the operation needs ${response} with a JSON body` }];
  }
  const issues: ExtensionIssue[] = [];
  for (const [key, dotted] of paths) {
    const check = checkBodyPath(spec, media.schema, dotted, key === 'items');
    const at = isRecord(raw) && key in raw ? [key] : [];
    if (check === 'missing') {
      issues.push({ at, onKey: at.length === 0, message: `${key} '${dotted}' is not in the ${media.status} response body` });
    } else if (check === 'not-array') {
      issues.push({ at, onKey: at.length === 0, message: `${key} '${dotted}' is not an array in the ${media.status} response body` });
    }
  }
  return issues;
}

/** The operationIds of the spec, or null when some path item sits in another file. */
function knownOperationIds(spec: Record<string, unknown>, operations: readonly OperationEntry[]): Set<string> | null {
  const paths = isRecord(spec.paths) ? Object.values(spec.paths) : [];
  const external = paths.some((item) => isRecord(item) && typeof item.$ref === 'string' && !item.$ref.startsWith('#/'));
  if (external) return null;
  return new Set(operations.map(({ operation }) => operation.operationId).filter((id) => typeof id === 'string'));
}
