import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvHttpProxyAgent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeStreamFetch, type StreamFetch } from './node-stream.js';
import { RedirectError } from './refusal-errors.js';
import { type paths, widgets } from './test-support/widgets.js';
import { createTransport, type TransportOptions } from './transport.js';

const MiB = 1024 * 1024;
const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const fetchOverNode = (): StreamFetch => {
  const fetch = nodeStreamFetch();
  if (!fetch) throw new Error('nodeStreamFetch() is undefined on Node');
  return fetch;
};

/** A server that writes 64 KiB chunks (up to `limit` bytes) only while its socket takes them, counting what it wrote; `closed` resolves when the client goes away. */
function endlessDownload(limit: number) {
  const state = { written: 0, closed: undefined as Promise<unknown> | undefined };
  const handler = (_request: IncomingMessage, response: ServerResponse) => {
    state.closed = once(response, 'close');
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(limit) });
    const chunk = Buffer.alloc(64 * 1024, 1);
    const write = () => {
      while (state.written < limit && !response.destroyed) {
        state.written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', write);
      }
      if (state.written >= limit) response.end();
    };
    write();
  };
  return { state, handler };
}

describe('nodeStreamFetch', () => {
  it('is a fetch on Node, and undefined on Deno, with a replaced globalThis.fetch, an env proxy or a custom global dispatcher', () => {
    expect(nodeStreamFetch()).toBeTypeOf('function');
    vi.stubGlobal('Deno', {});
    expect(nodeStreamFetch()).toBeUndefined();
    vi.unstubAllGlobals();
    vi.stubGlobal('fetch', (input: Request) => globalThis.fetch(input));
    expect(nodeStreamFetch()).toBeUndefined();
    vi.unstubAllGlobals();
    vi.stubEnv('NODE_USE_ENV_PROXY', '1');
    expect(nodeStreamFetch()).toBeUndefined();
    vi.unstubAllEnvs();
    const before = getGlobalDispatcher();
    setGlobalDispatcher(new EnvHttpProxyAgent({ httpProxy: 'http://127.0.0.1:9' }));
    try {
      expect(nodeStreamFetch()).toBeUndefined();
    } finally {
      setGlobalDispatcher(before);
    }
    expect(nodeStreamFetch()).toBeTypeOf('function');
  });

  it('reads a download with backpressure: the server can write only what the socket buffers while nobody reads', async () => {
    const download = endlessDownload(256 * MiB);
    const url = await serve(download.handler);
    const response = await fetchOverNode()(url, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${url}/`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(((await reader.read()).value as Uint8Array).byteLength).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stalled = download.state.written;
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Socket buffers on both ends and the 64 KiB queue: a few MiB, not the 256 MiB on offer, and no more flows.
    expect(stalled).toBeLessThan(24 * MiB);
    expect(download.state.written).toBe(stalled);
    await reader.cancel();
    await download.state.closed;
  });

  it('errors the body being read with the signal reason on abort, and closes the connection', async () => {
    const download = endlessDownload(256 * MiB);
    const url = await serve(download.handler);
    const controller = new AbortController();
    const response = await fetchOverNode()(url, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const reason = new DOMException('stop', 'AbortError');
    controller.abort(reason);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toBe(reason);
    await download.state.closed;
  });

  it('returns a 3xx as it is, and with redirect: error fails as fetch does', async () => {
    const url = await serve((_, response) => {
      response.writeHead(302, { location: 'http://example.com/elsewhere' });
      response.end('moved');
    });
    const manual = await fetchOverNode()(url, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('http://example.com/elsewhere');
    expect(await manual.text()).toBe('moved');
    const refused = await fetchOverNode()(url, { redirect: 'error' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError & { cause: Error }).cause.message).toBe('unexpected redirect');
  });

  it('sends a stream body with backpressure: the source is read only as fast as the server takes it', async () => {
    const total = 64 * MiB;
    let received = 0;
    let resume: () => void = () => {};
    const url = await serve((request, response) => {
      request.pause();
      resume = () => {
        request.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        request.on('end', () => response.end(JSON.stringify({ received })));
        request.resume();
      };
    });
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(2);
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= total) return controller.close();
          pulled += chunk.byteLength;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const answer = fetchOverNode()(new Request(url, { method: 'PUT', body, duplex: 'half' } as RequestInit));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pulled).toBeLessThan(24 * MiB);
    resume();
    const response = await answer;
    expect(await response.json()).toEqual({ received: total });
    expect(pulled).toBe(total);
  });

  it('reads a byte-stream body into its own few buffers: bounded while the server does not read, every byte intact', async () => {
    const total = 48 * MiB;
    let resume: () => void = () => {};
    const url = await serve((request, response) => {
      request.pause();
      resume = () => {
        const hash = createHash('sha256');
        request.on('data', (chunk: Buffer) => hash.update(chunk));
        request.on('end', () => response.end(hash.digest('hex')));
        request.resume();
      };
    });
    // Each read fills the reader's buffer with its own byte, so a buffer reused before the socket wrote it would change what arrives.
    const expected = createHash('sha256');
    let pulled = 0;
    let reads = 0;
    const sizes = new Set<number>();
    const body = new ReadableStream(
      {
        type: 'bytes',
        pull(controller) {
          const request = controller.byobRequest;
          if (!request?.view) throw new Error('expected a BYOB read');
          if (pulled >= total) {
            controller.close();
            return request.respond(0);
          }
          sizes.add(request.view.byteLength);
          const filled = new Uint8Array(request.view.buffer, request.view.byteOffset, Math.min(request.view.byteLength, total - pulled));
          filled.fill(reads++ % 251);
          expected.update(filled);
          pulled += filled.byteLength;
          request.respond(filled.byteLength);
        },
      },
      { highWaterMark: 0 },
    );
    const answer = fetchOverNode()(new Request(url, { method: 'PUT', body, duplex: 'half' } as RequestInit));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Four buffers of 256 KiB: what the sockets and the server's buffers hold, and no more.
    expect(pulled).toBeLessThan(16 * MiB);
    resume();
    const response = await answer;
    expect(await response.text()).toBe(expected.digest('hex'));
    expect(pulled).toBe(total);
    expect([...sizes]).toEqual([256 * 1024]);
  });

  it('sends bytes and a Blob with their length', async () => {
    const seen: Array<{ length: string | undefined; type: string | undefined; body: string }> = [];
    const url = await serve(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      seen.push({ length: request.headers['content-length'], type: request.headers['content-type'], body });
      response.end();
    });
    await fetchOverNode()(url, { method: 'POST', body: 'hello' });
    await fetchOverNode()(url, { method: 'PUT', body: new Blob(['blob!'], { type: 'text/x-test' }) });
    expect(seen).toEqual([
      { length: '5', type: 'text/plain;charset=UTF-8', body: 'hello' },
      { length: '5', type: 'text/x-test', body: 'blob!' },
    ]);
  });

  it('rejects a refused connection as fetch does, with the code in the cause', async () => {
    const url = await serve(() => {});
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
    const error = await fetchOverNode()(url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });
});

describe('the transport with a streamFetch call option', () => {
  /** A widgets transport on `url`, and a spy over the node:http fetch given as `streamFetch`. */
  const setUp = (url: string, options: Partial<TransportOptions> = {}) => {
    const streamFetch = vi.fn(fetchOverNode());
    const client = createTransport<paths>({
      definition: widgets,
      baseURL: url,
      apiKey: 'wk-test-0123456789',
      logLevel: 'off',
      maxRetries: 0,
      ...options,
    });
    const get = (requestOptions = {}) =>
      client.requestRaw('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }, requestOptions, { streamFetch });
    return { get, streamFetch };
  };
  const widgetServer = () =>
    serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'x-fetch-mode': String(request.headers['sec-fetch-mode']) });
      response.end('bytes');
    });

  it('uses it without a custom fetch or fetchOptions, and fetch otherwise', async () => {
    const url = await widgetServer();
    const plain = setUp(url);
    const response = await plain.get();
    expect(await response.text()).toBe('bytes');
    // Node's fetch sends Sec-Fetch-Mode; node:http does not.
    expect(response.headers.get('x-fetch-mode')).toBe('undefined');
    expect(plain.streamFetch).toHaveBeenCalledTimes(1);

    const custom = setUp(url, { fetch: (request, init) => globalThis.fetch(request, init) });
    expect((await custom.get()).headers.get('x-fetch-mode')).toBe('cors');
    expect(custom.streamFetch).not.toHaveBeenCalled();

    const withOptions = setUp(url, { fetchOptions: { keepalive: false } });
    expect((await withOptions.get()).headers.get('x-fetch-mode')).toBe('cors');
    const perCall = setUp(url);
    expect((await perCall.get({ fetchOptions: { keepalive: false } })).headers.get('x-fetch-mode')).toBe('cors');
    expect(withOptions.streamFetch).not.toHaveBeenCalled();
    expect(perCall.streamFetch).not.toHaveBeenCalled();
  });

  it('applies core redirect rules to its 3xx: same-origin hops go through it, another origin is refused before any request reaches it', async () => {
    const elsewhere: IncomingMessage[] = [];
    const other = await serve((request, response) => {
      elsewhere.push(request);
      response.end('stolen');
    });
    const url = await serve((request, response) => {
      if (request.url?.endsWith('/moved')) {
        response.writeHead(200, { 'x-key': String(request.headers['x-api-key']) });
        return void response.end('here');
      }
      if (request.url?.endsWith('/w1')) {
        response.writeHead(302, { location: '/widgets/moved' });
        return void response.end();
      }
      response.writeHead(307, { location: `${other}/grab` });
      response.end();
    });
    const { get, streamFetch } = setUp(url);
    const followed = await get();
    expect(await followed.text()).toBe('here');
    expect(followed.headers.get('x-key')).toBe('wk-test-0123456789');
    expect(streamFetch).toHaveBeenCalledTimes(2);

    const client = createTransport<paths>({ definition: widgets, baseURL: url, apiKey: 'wk-test-0123456789', logLevel: 'off' });
    const refused = await client
      .requestRaw('get', '/widgets/{id}', { params: { path: { id: 'w2' } } }, {}, { streamFetch: fetchOverNode() })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RedirectError);
    expect(elsewhere).toHaveLength(0);
  });
});
