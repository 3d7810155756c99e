import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const SKIPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'set-cookie']);

/** Copy a fetch response's status and headers onto a node response (cookies kept apart, as fetch joins them). */
export function writeHead(outgoing: ServerResponse, response: Response, extra: Record<string, string> = {}): void {
  for (const [name, value] of response.headers) if (!SKIPPED.has(name)) outgoing.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outgoing.setHeader('set-cookie', cookies);
  for (const [name, value] of Object.entries(extra)) outgoing.setHeader(name, value);
  outgoing.writeHead(response.status, response.statusText || undefined);
}

/**
 * Send a fetch response through a node response: `bytes` when the body was already read (to
 * validate it), else the body stream piped chunk by chunk, never held whole in memory.
 */
export async function sendResponse(outgoing: ServerResponse, response: Response, bytes?: Uint8Array): Promise<void> {
  if (bytes) {
    writeHead(outgoing, response, { 'content-length': String(bytes.byteLength) });
    outgoing.end(bytes);
    return;
  }
  writeHead(outgoing, response);
  if (!response.body) {
    outgoing.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), outgoing);
}
