import type { JsonSchema, OperationDefinition } from './service-definition.js';
import { type ValidationIssue, validate } from './validate.js';
import { validateRequest } from './validate-request.js';

/** What a transport asks of a JSON-schema validator (see `TransportOptions.validator`). */
export interface Validator {
  /** Check a call's params and body before it is sent; throws `InvalidRequestError` naming the field. */
  request(
    operation: OperationDefinition,
    params: Record<string, Record<string, unknown> | undefined>,
    body: unknown,
    schemas: Record<string, JsonSchema>,
  ): void;
  /** Where a response body first departs from its schema, or `undefined` when it conforms. */
  response(schema: JsonSchema, value: unknown, schemas: Record<string, JsonSchema>): ValidationIssue | undefined;
}

/**
 * The JSON-schema interpreter as a transport's `validator`: service clients pass it, so a bundle
 * that only calls `createTransport` does not carry it.
 */
export const schemaValidator: Validator = {
  request: validateRequest,
  response: validate,
};
