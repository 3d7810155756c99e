import type { ServerResponse } from 'node:http';

/** The header that marks an answer the sandbox wrote itself (not the mock), with its error code. */
export const SANDBOX_ERROR_HEADER = 'x-sandbox-error';

/**
 * Answer with an error of the sandbox's own (unknown route, invalid request, injected fault, mock
 * bug) in the `{ error: { code, message } }` envelope every trainwire client reads.
 */
export function sendSandboxError(
  outgoing: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ error: { type: 'sandbox_error', code, message } });
  outgoing.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    [SANDBOX_ERROR_HEADER]: code,
  });
  outgoing.end(body);
}
