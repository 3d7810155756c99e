import { HttpResponse } from 'msw';

/** One entry of a FastAPI validation error: where (`['body', 'name']`), what, and pydantic's error type. */
export interface ValidationProblem {
  loc: (string | number)[];
  msg: string;
  type: string;
  /** What pydantic echoes back (v2 sends it; some services leave it out). */
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/**
 * A FastAPI `HTTPException` answer: `{"detail": message}` with `status`. `message` may also be an
 * object, as services that nest their own envelope in `detail` send (`{"detail": {"error": ...}}`).
 */
export function detail(status: number, message: unknown, headers?: Record<string, string>): Response {
  return HttpResponse.json({ detail: message } as never, headers ? { status, headers } : { status });
}

/** FastAPI's request validation answer: 422 with `{"detail": [{loc, msg, type}, ...]}`. */
export function validationError(problems: ValidationProblem[], headers?: Record<string, string>): Response {
  return HttpResponse.json({ detail: problems } as never, headers ? { status: 422, headers } : { status: 422 });
}

/**
 * The 422 FastAPI (pydantic 2) answers when a body is not valid JSON: one `json_invalid` problem at
 * `['body', position]` (the offset Python's decoder stopped at; JavaScript parsers do not all say,
 * so 0 unless given), with the decoder's message in `ctx.error`.
 */
export function jsonInvalid(message: string, position = 0): Response {
  return validationError([{ type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', input: {}, ctx: { error: message } }]);
}
