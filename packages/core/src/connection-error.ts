// Codes that mean no connection was ever made, so the server cannot have seen the request:
// DNS failures, refused or unreachable hosts, and undici's connect timeout.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

// Deep enough for fetch's TypeError → undici error → socket error; also stops a cyclic chain.
const MAX_DEPTH = 8;

/**
 * Whether `error` shows that the request never left: it, or an error in its `cause` chain, has a
 * code such as ECONNREFUSED or ENOTFOUND. Such a failure is safe to retry whatever the method.
 * Anything else (ECONNRESET, UND_ERR_SOCKET, `terminated`, an unknown TypeError) may have been sent.
 */
export function failedBeforeSend(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && NEVER_SENT.has(code)) return true;
  // Happy-eyeballs connects fail with an AggregateError: one error per address tried.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((item) => failedBeforeSend(item, depth + 1))) return true;
  return failedBeforeSend(cause, depth + 1);
}

/** The first string `code` (ECONNRESET, UND_ERR_SOCKET, ...) on `error` or down its `cause` chain. */
export function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return typeof code === 'string' ? code : errorCode(cause, depth + 1);
}
