/**
 * Read a request body's text as JSON. An empty body is `{ value: undefined }`; text that does not
 * parse is answered with `invalid(message)` (the parser's message), the service's own error for bad
 * JSON: FastAPI's 422 `json_invalid` is `jsonInvalid`; other services have their own envelope.
 */
export function parseJsonBody(text: string, invalid: (message: string) => Response): { value: unknown } | { response: Response } {
  if (text === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { response: invalid((error as Error).message) };
  }
}
