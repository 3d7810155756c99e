import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

// Hop-by-hop headers (RFC 9110 §7.6.1) describe this connection, not the request the mock answers.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/** The headers of an incoming request as fetch `Headers`, without hop-by-hop headers and those in `drop`. */
export function incomingHeaders(incoming: IncomingMessage, drop: readonly string[] = []): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = (raw[index] ?? '').toLowerCase();
    if (HOP_BY_HOP.has(name) || drop.includes(name)) continue;
    headers.append(name, raw[index + 1] ?? '');
  }
  return headers;
}

/** Whether the request carries a body at all (a length above zero, or chunked). */
export function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return incoming.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * Build the fetch `Request` a mock sees. A buffered body is passed as bytes; otherwise the incoming
 * stream itself becomes the body (`duplex: 'half'`), so an upload of any size flows through
 * without being held in memory.
 */
export function toFetchRequest(
  incoming: IncomingMessage,
  url: string,
  headers: Headers,
  body: Uint8Array<ArrayBuffer> | 'stream' | undefined,
  signal: AbortSignal,
): Request {
  const method = incoming.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD' && body !== undefined) {
    if (body === 'stream') {
      init.body = Readable.toWeb(incoming) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    } else {
      init.body = body;
    }
  }
  return new Request(url, init);
}

/** A request body larger than the sandbox reads into memory for validation. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** Read a (JSON) request body into memory, refusing more than `limit` bytes. */
export async function readBody(incoming: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(`body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
