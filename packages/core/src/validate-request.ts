import { InvalidRequestError } from './errors.js';
import { isRawBody } from './raw-body.js';
import type { JsonSchema, OperationDefinition } from './service-definition.js';
import { validate } from './validate.js';

// Bodies go as JSON: refuse extra fields, and read a `Date` as the string it is sent as.
const BODY_OPTIONS = { rejectAdditional: true, json: true };

/**
 * Check a call's params and body against its operation before anything is sent; the first
 * problem throws {@link InvalidRequestError} naming the field (`query.limit`, `body.name`).
 */
export function validateRequest(
  operation: OperationDefinition,
  params: Record<string, Record<string, unknown> | undefined>,
  body: unknown,
  schemas: Record<string, JsonSchema>,
): void {
  for (const location of ['path', 'query', 'header'] as const) {
    const schema = operation.params[location];
    if (!schema) continue;
    const given = params[location] ?? {};
    const value =
      location === 'header' ? Object.fromEntries(Object.entries(given).map(([name, item]) => [name.toLowerCase(), item])) : given;
    const issue = validate(schema, value, schemas, { rejectAdditional: false }, location);
    if (issue) throw new InvalidRequestError(issue.path, issue.reason);
  }
  if (!operation.body) return;
  if (body === undefined) {
    if (operation.body.required) throw new InvalidRequestError('body', 'is required');
    return;
  }
  if (!operation.body.contentType.includes('json') || !operation.body.schema || isRawBody(body)) return;
  const issue = validate(operation.body.schema, body, schemas, BODY_OPTIONS, 'body');
  if (issue) throw new InvalidRequestError(issue.path, issue.reason);
}
