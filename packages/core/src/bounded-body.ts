import type { ResponseTooLargeError } from './refusal-errors.js';

/** The default `maxResponseBytes`: 64 MiB, far above any JSON answer of these APIs. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Error bodies (non-2xx) are read up to 1 MiB (or `maxResponseBytes`, when smaller). */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * Read `response`'s whole body, at most `limit` bytes: a `Content-Length` above the limit, or a
 * body that goes past it, cancels the body and throws {@link ResponseTooLargeError}, so an endless
 * or huge answer never costs more than the limit in memory.
 */
export async function readBoundedBody(response: Response, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const body = response.body as ReadableStream<Uint8Array<ArrayBuffer>> | null;
  if (body === null) return new Uint8Array(0);
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (announced > limit) {
    body.cancel().catch(() => {});
    throw await tooLarge(response.status, limit, announced);
  }
  const reader = body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => {});
      throw await tooLarge(response.status, limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The cap for a body of `status`: `maxResponseBytes` for a 2xx, at most {@link MAX_ERROR_BODY_BYTES} for anything else. */
export function bodyLimit(status: number, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES): number {
  return status >= 200 && status < 300 ? maxResponseBytes : Math.min(MAX_ERROR_BODY_BYTES, maxResponseBytes);
}

/** The {@link ResponseTooLargeError} of a body over `limit`; its module is loaded with the first one. */
async function tooLarge(status: number, limit: number, announced?: number): Promise<ResponseTooLargeError> {
  const { ResponseTooLargeError } = await import('./refusal-errors.js');
  return new ResponseTooLargeError({ status, limit, announced });
}
