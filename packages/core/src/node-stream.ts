/// <reference types="node" />
import type { ClientRequest, IncomingMessage } from 'node:http';

/**
 * A `fetch` for one HTTP exchange: a URL or a `Request`, and an init whose fields win over the
 * Request's (as in `fetch`).
 */
export type StreamFetch = (input: string | Request, init?: RequestInit) => Promise<Response>;

// Statuses whose Response has no body (the constructor throws if given one).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// The global dispatcher Node's fetch uses (undici's `setGlobalDispatcher` writes the same slot).
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
// Bytes of a downloaded body queued ahead of its reader before the socket is paused.
const QUEUED_BYTES = 64 * 1024;
// A byte-stream request body is read into at most this many buffers of this size, each reused once written.
const SEND_BUFFERS = 4;
const SEND_BUFFER_BYTES = 256 * 1024;
// The platform's fetch as this module found it: a fetch replaced later (a test interceptor such as
// msw, a polyfill) is one the user set up, so it is used instead.
const platformFetch = globalThis.fetch;

type Modules = { http: typeof import('node:http'); https: typeof import('node:https') };
let modules: Promise<Modules> | undefined;
// The modules' CommonJS objects, read at each request: what test interceptors (msw, nock) patch.
const load = (): Promise<Modules> =>
  (modules ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => ({
    http: http.default,
    https: https.default,
  })));

/**
 * A fetch over `node:http`/`node:https` for streamed downloads and uploads on Node, where it holds
 * less memory and moves bytes faster than Node's fetch; `undefined` where fetch must be used:
 * outside Node (browsers, Bun, Deno), when `globalThis.fetch` was replaced after this module loaded
 * (msw, a polyfill), and when Node's fetch would go through something this cannot see (a global
 * dispatcher other than Node's own, e.g. `setGlobalDispatcher(new EnvHttpProxyAgent())`, or the
 * `NODE_USE_ENV_PROXY` proxy support). It never follows a redirect: a 3xx comes back as it
 * is (with `redirect: 'error'` it fails as fetch does), for core's redirect rules to handle. It
 * sends no proxy, cookies or `Accept-Encoding`. A client with its own `fetch` or `fetchOptions`
 * never uses it.
 */
export function nodeStreamFetch(): StreamFetch | undefined {
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions;
  if (!versions?.node || versions.bun || (globalThis as { Deno?: unknown }).Deno !== undefined) return undefined;
  if (globalThis.fetch !== platformFetch || envProxyOn()) return undefined;
  const dispatcher = (globalThis as Record<symbol, { constructor?: { name?: string } } | undefined>)[GLOBAL_DISPATCHER];
  if (dispatcher !== undefined && dispatcher.constructor?.name !== 'Agent') return undefined;
  return fetchOverNodeHttp;
}

/** Whether Node's fetch reads HTTP(S)_PROXY itself (Node 22.21+ / 24.5+ with NODE_USE_ENV_PROXY or --use-env-proxy). */
function envProxyOn(): boolean {
  const flag = process.env.NODE_USE_ENV_PROXY;
  if (flag && flag !== '0' && flag !== 'false') return true;
  return process.execArgv.includes('--use-env-proxy') || (process.env.NODE_OPTIONS ?? '').includes('--use-env-proxy');
}

/**
 * One exchange over `node:http`/`node:https`, with fetch's contract where the transport relies on
 * it: connection errors reject with `TypeError('fetch failed', { cause })`, an abort rejects (or
 * errors the body being read) with the signal's reason and destroys the socket, and both directions
 * stream with backpressure.
 */
export async function fetchOverNodeHttp(input: string | Request, init: RequestInit = {}): Promise<Response> {
  const request = typeof input === 'string' ? undefined : input;
  const url = new URL(request ? request.url : (input as string));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`fetch failed: ${url.protocol} is not http(s)`);
  const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers ?? request?.headers);
  const signal = init.signal ?? request?.signal ?? undefined;
  const redirect = init.redirect ?? request?.redirect;
  const body = await outgoingBody(init.body !== undefined ? init.body : (request?.body ?? null), headers);
  signal?.throwIfAborted();
  const { http, https } = await load();
  signal?.throwIfAborted();

  return new Promise<Response>((resolve, reject) => {
    const outgoing: ClientRequest = (url.protocol === 'https:' ? https : http).request(url, {
      method,
      headers: Object.fromEntries(headers),
    });
    // Until the answer's headers arrive, failures reject; after, they error the body being read.
    let settle: (error: unknown) => void = (error) => reject(error);
    const onAbort = (): void => {
      const reason = signal?.reason;
      outgoing.destroy();
      settle(reason);
    };
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (error) => {
      done();
      settle(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    });
    outgoing.on('response', (message) => {
      const status = message.statusCode ?? 0;
      const answer = new Headers();
      const raw = message.rawHeaders;
      for (let index = 0; index < raw.length; index += 2) answer.append(raw[index] as string, raw[index + 1] as string);
      if (redirect === 'error' && REDIRECT_STATUSES.has(status) && answer.has('location')) {
        done();
        outgoing.destroy();
        // What fetch throws, so the callers' handling of a refused redirect applies as it is.
        reject(new TypeError('fetch failed', { cause: new Error('unexpected redirect') }));
        return;
      }
      let stream: ReadableStream<Uint8Array> | null = null;
      if (method === 'HEAD' || NULL_BODY.has(status)) {
        message.resume();
        message.once('end', done);
        settle = () => {};
      } else {
        stream = incomingBody(message, outgoing, done, (error) => {
          settle = error;
        });
      }
      const response = new Response(stream, { status, statusText: message.statusMessage, headers: answer });
      // The constructor cannot set `url`; error messages and redirects read it.
      Object.defineProperty(response, 'url', { value: url.href });
      resolve(response);
    });
    sendBody(outgoing, body);
  });
}

/** A request body as `node:http` takes it: bytes (with their length) or a stream; form and search bodies get their Content-Type. */
async function outgoingBody(body: BodyInit | null, headers: Headers): Promise<Uint8Array | ReadableStream<Uint8Array> | null> {
  if (body === null || body === undefined) return null;
  if (body instanceof ReadableStream) return body as ReadableStream<Uint8Array>;
  if (body instanceof Blob) {
    if (!headers.has('content-length')) headers.set('content-length', String(body.size));
    if (body.type && !headers.has('content-type')) headers.set('content-type', body.type);
    return body.stream() as ReadableStream<Uint8Array>;
  }
  const extracted = new Response(body);
  const type = extracted.headers.get('content-type');
  if (type && !headers.has('content-type')) headers.set('content-type', type);
  const bytes = new Uint8Array(await extracted.arrayBuffer());
  headers.set('content-length', String(bytes.byteLength));
  return bytes;
}

/**
 * Write the body: a byte stream is read into a few buffers of this module's own, each reused once
 * the socket has written it (no allocation per chunk, so memory stays flat); any other stream is
 * written chunk by chunk, waiting for `drain` whenever the socket's buffer is full. A failing body
 * destroys the request.
 */
async function sendBody(outgoing: ClientRequest, body: Uint8Array | ReadableStream<Uint8Array> | null): Promise<void> {
  if (!(body instanceof ReadableStream)) {
    outgoing.end(body ?? undefined);
    return;
  }
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: read its own chunks.
  }
  const reader = byob ?? body.getReader();
  try {
    if (byob) await sendIntoOwnBuffers(outgoing, byob);
    else {
      const chunks = reader as ReadableStreamDefaultReader<Uint8Array>;
      for (;;) {
        const { done, value } = await chunks.read();
        if (outgoing.destroyed) break;
        if (done) {
          outgoing.end();
          return;
        }
        if (!outgoing.write(value)) await drained(outgoing);
      }
    }
    if (!outgoing.destroyed) return;
  } catch (error) {
    outgoing.destroy(error as Error);
  }
  reader.cancel().catch(() => {});
}

/**
 * Read a byte stream into at most {@link SEND_BUFFERS} buffers and write each one; a buffer is read
 * into again only after the socket has written it (its write callback), which also bounds what is
 * queued ahead of the socket. Returns when the body ended or the request was closed.
 */
async function sendIntoOwnBuffers(outgoing: ClientRequest, reader: ReadableStreamBYOBReader): Promise<void> {
  const free: Uint8Array[] = [];
  let allocated = 0;
  let wake: (() => void) | undefined;
  const onClose = (): void => wake?.();
  outgoing.once('close', onClose);
  try {
    for (;;) {
      if (free.length === 0 && allocated < SEND_BUFFERS) {
        allocated++;
        free.push(new Uint8Array(SEND_BUFFER_BYTES));
      }
      while (free.length === 0 && !outgoing.destroyed) await new Promise<void>((resolve) => (wake = resolve));
      if (outgoing.destroyed) return;
      const { done, value } = await reader.read(free.pop() as Uint8Array);
      if (outgoing.destroyed) return;
      if (done) {
        outgoing.end();
        return;
      }
      // The whole buffer (the read moved it into `value`) comes back to the pool once written.
      const whole = new Uint8Array(value.buffer);
      outgoing.write(value, (error) => {
        if (error) return;
        free.push(whole);
        wake?.();
      });
    }
  } finally {
    outgoing.off('close', onClose);
  }
}

/** Resolves on `drain`, rejects when the request is closed first. */
function drained(outgoing: ClientRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      outgoing.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      outgoing.off('drain', onDrain);
      reject(new Error('The request was closed before its body was sent.'));
    };
    outgoing.once('drain', onDrain);
    outgoing.once('close', onClose);
  });
}

/**
 * The answer's body as a web stream that pauses the socket while more than 64 KiB wait for the
 * reader; cancelling it destroys the socket. `onFailure` receives the function that errors it (an
 * abort or a dropped connection).
 */
function incomingBody(
  message: IncomingMessage,
  outgoing: ClientRequest,
  done: () => void,
  onFailure: (fail: (error: unknown) => void) => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        const fail = (error: unknown): void => {
          if (!open) return;
          open = false;
          done();
          message.destroy();
          outgoing.destroy();
          controller.error(error);
        };
        onFailure(fail);
        message.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) message.pause();
        });
        message.once('end', () => {
          if (!open) return;
          open = false;
          done();
          controller.close();
        });
        message.once('error', (error) => fail(new TypeError('terminated', { cause: error })));
        message.once('close', () => {
          if (!message.complete) fail(new TypeError('terminated', { cause: new Error('The connection closed before the body ended.') }));
        });
      },
      pull() {
        message.resume();
      },
      cancel() {
        done();
        message.destroy();
        outgoing.destroy();
      },
    },
    { highWaterMark: QUEUED_BYTES, size: (chunk) => chunk.byteLength },
  );
}
