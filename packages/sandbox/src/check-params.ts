import { type JsonSchema, type OperationDefinition, type ValidationIssue, validate } from '@trainwire/core';
import { coerceParams } from './coerce-params.js';

/**
 * Check a request's path, query and header parameters against its operation; returns the first
 * problem, named by location (`query.limit`, `path.run_id`, `header.idempotency-key`).
 */
export function checkParams(
  operation: OperationDefinition,
  pathParams: Record<string, string>,
  url: URL,
  headers: Headers,
  schemas: Record<string, JsonSchema>,
): ValidationIssue | undefined {
  const given = {
    path: new Map(Object.entries(pathParams).map(([name, value]) => [name, [value]])),
    query: group(url.searchParams),
    header: group(headers),
  };
  for (const location of ['path', 'query', 'header'] as const) {
    const schema = operation.params[location];
    if (!schema) continue;
    const issue = validate(schema, coerceParams(schema, given[location], schemas), schemas, { rejectAdditional: false }, location);
    if (issue) return issue;
  }
  return undefined;
}

function group(entries: Iterable<[string, string]>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [name, value] of entries) result.set(name, [...(result.get(name) ?? []), value]);
  return result;
}
