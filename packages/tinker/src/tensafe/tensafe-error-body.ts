/** What a TenSafe error answer says, whichever envelope it came in. */
export interface TenSafeErrorBody {
  code: string | undefined;
  message: string | undefined;
  details: Record<string, unknown>;
  request_id: string | undefined;
}

/**
 * Read a TenSafe error body: the route envelope `{"detail": {"error": {...}}}` (FastAPI's
 * HTTPException), the SDK envelope `{"error": {...}}`, FastAPI's validation list
 * `{"detail": [{loc, msg, type}]}`, a plain `{"detail": "..."}` or text.
 */
export function readTenSafeErrorBody(body: unknown): TenSafeErrorBody {
  const empty: TenSafeErrorBody = { code: undefined, message: undefined, details: {}, request_id: undefined };
  if (typeof body === 'string') return { ...empty, message: body || undefined };
  if (!isRecord(body)) return empty;
  const detail = body.detail;
  const error = isRecord(detail) && isRecord(detail.error) ? detail.error : isRecord(body.error) ? body.error : undefined;
  if (error) {
    return {
      code: typeof error.code === 'string' ? error.code : undefined,
      message: typeof error.message === 'string' ? error.message : undefined,
      details: isRecord(error.details) ? error.details : {},
      request_id: typeof error.request_id === 'string' ? error.request_id : undefined,
    };
  }
  if (Array.isArray(detail)) {
    const messages = detail.map((item) => (isRecord(item) ? describeIssue(item) : String(item)));
    return { ...empty, code: 'VALIDATION_ERROR', message: messages.join('; '), details: { errors: detail } };
  }
  if (typeof detail === 'string') return { ...empty, message: detail };
  return empty;
}

function describeIssue(issue: Record<string, unknown>): string {
  const location = Array.isArray(issue.loc) ? issue.loc.join('.') : undefined;
  const message = typeof issue.msg === 'string' ? issue.msg : JSON.stringify(issue);
  return location ? `${location}: ${message}` : message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
