import type { JsonSchema, OperationDefinition } from '../service-definition.js';
import { type ValidationIssue, validate } from '../validate.js';

/**
 * Check the text of a JSON request body against its operation: present when required, valid
 * JSON, and conforming to the schema (unknown fields of a closed object are refused, as the client
 * refuses them). Returns the first problem, named from `body`.
 */
export function checkJsonBody(
  operation: OperationDefinition,
  text: string,
  schemas: Record<string, JsonSchema>,
): ValidationIssue | undefined {
  if (!operation.body) return undefined;
  if (text.trim() === '') return operation.body.required ? { path: 'body', reason: 'is required' } : undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { path: 'body', reason: `is not valid JSON (${(error as Error).message})` };
  }
  return validate(operation.body.schema, value, schemas, { rejectAdditional: true }, 'body');
}
