import type { JsonSchema, OperationDefinition } from '../service-definition.js';
import { type ValidationIssue, validate } from '../validate.js';
import { coerceParams, schemaTypes } from './coerce-params.js';

/** Options of {@link checkParams}. */
export interface CheckParamsOptions {
  /**
   * Also refuse what a server tolerates but a well-behaved client never sends: a query parameter
   * the operation does not declare, a scalar one given twice. For tests of our own clients (the
   * sandbox, which real SDKs talk to, leaves it off).
   * @default false
   */
  strict?: boolean;
}

/**
 * Check a request's path, query and header parameters against its operation: one issue per
 * location at most (the first), named by location (`query.limit`, `path.run_id`,
 * `header.idempotency-key`), plus the strict ones.
 */
export function checkParams(
  operation: OperationDefinition,
  pathParams: Record<string, string>,
  url: URL,
  headers: Headers,
  schemas: Record<string, JsonSchema>,
  options: CheckParamsOptions = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const given = {
    path: new Map(Object.entries(pathParams).map(([name, value]) => [name, [value]])),
    query: group(url.searchParams),
    header: group(headers),
  };
  for (const location of ['path', 'query', 'header'] as const) {
    const schema = operation.params[location];
    if (location === 'query' && options.strict) issues.push(...strictQueryIssues(operation, given.query, schemas));
    if (!schema) continue;
    const issue = validate(schema, coerceParams(schema, given[location], schemas), schemas, { rejectAdditional: false }, location);
    if (issue) issues.push(issue);
  }
  return issues;
}

/** Undeclared query parameters, and scalar ones given more than once. */
function strictQueryIssues(operation: OperationDefinition, query: Map<string, string[]>, schemas: Record<string, JsonSchema>) {
  const issues: ValidationIssue[] = [];
  const schema = operation.params.query;
  const declared = schema?.properties ?? {};
  for (const [name, values] of query) {
    const property = declared[name];
    if (!property && schema?.additionalProperties === undefined) {
      issues.push({ path: `query.${name}`, reason: `is not a parameter of ${operation.operationId}` });
    } else if (property && values.length > 1 && !schemaTypes(property, schemas).has('array')) {
      issues.push({ path: `query.${name}`, reason: `is given ${values.length} times` });
    }
  }
  return issues;
}

function group(entries: Iterable<[string, string]>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [name, value] of entries) result.set(name, [...(result.get(name) ?? []), value]);
  return result;
}
