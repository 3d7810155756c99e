import { type JsonSchema, type OperationDefinition, type ResponseDefinition, validate } from '@trainwire/core';
import { isJsonMedia } from '@trainwire/core/mock-kit';

/** How a mock's answer departs from its spec. */
export interface ResponseProblem {
  /** What is wrong, e.g. `status 200: body.runs[0].id expected string, got number`. */
  message: string;
  /** A 2xx the spec does not declare, or a body that breaks its schema: a bug in the mock. */
  severe: boolean;
}

/** The declared response for a status: the exact code, then `2XX`-style ranges, then `default`. */
export function declaredResponse(operation: OperationDefinition, status: number): ResponseDefinition | undefined {
  return operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
}

/**
 * Check a mock's response (status, and the JSON body when there is one) against its operation.
 * Responses may carry fields the spec does not list, as real servers do; anything else is a problem.
 */
export function checkResponse(
  operation: OperationDefinition,
  status: number,
  contentType: string | null,
  text: string | undefined,
  schemas: Record<string, JsonSchema>,
): ResponseProblem | undefined {
  const declared = declaredResponse(operation, status);
  if (!declared) {
    const known = Object.keys(operation.responses).join(', ');
    return { message: `status ${status} is not declared (the spec lists ${known})`, severe: status < 400 };
  }
  if (!declared.schema || !isJsonMedia(declared.contentType) || text === undefined) return undefined;
  if (!isJsonMedia(contentType)) {
    return {
      message: `status ${status}: content-type ${contentType ?? '(none)'} is not the declared ${declared.contentType}`,
      severe: true,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { message: `status ${status}: body is not valid JSON (${(error as Error).message})`, severe: true };
  }
  const issue = validate(declared.schema, value, schemas, { rejectAdditional: false }, 'body');
  return issue ? { message: `status ${status}: ${issue.path} ${issue.reason}`, severe: true } : undefined;
}
