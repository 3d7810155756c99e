// uploadFile on Node PUTs through node:http (@trainwire/core/node-stream) unless the client has its own
// fetch or fetchOptions; real loopback servers, since that path is below fetch.
import { once } from 'node:events';
import { truncateSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APITimeoutError, InvalidRequestError, MiddlemanClient, ResponseTooLargeError } from './index.js';

const KEY = 'mdlm_node_0123456789abcdef';
const SIGNATURE = 'sig0123456789abcdef0123';
const MiB = 1024 * 1024;
const serve = useLoopbackServers();

const client = (url: string, options: Partial<ConstructorParameters<typeof MiddlemanClient>[0]> = {}) =>
  new MiddlemanClient({ apiKey: KEY, baseURL: `${url}/api/v1`, logLevel: 'off', maxRetries: 0, ...options });

/** An API that answers the upload-url call with a presigned URL on `storage`. */
const uploadApi = (storage: () => string) =>
  serve((_request, response) =>
    sendJson(response, 200, { upload_url: `${storage()}/bucket/f.bin?X-Amz-Signature=${SIGNATURE}`, blob_path: 'uploads/f.bin' }),
  );

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'middleman-node-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const rawServers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of rawServers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A storage host that sees each request as it arrives (a client that goes away mid-body is no error here). */
async function rawStorage(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string }> {
  const server = createServer((request, response) => {
    request.on('error', () => {});
    handler(request, response);
  });
  rawServers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('uploadFile on Node', () => {
  it('PUTs through node:http without a custom fetch or fetchOptions, and through fetch with either', async () => {
    const storage = await serve((_request, response) => {
      response.writeHead(200).end();
    });
    const api = await uploadApi(() => storage.url);
    const file = join(folder, 'f.bin');
    await writeFile(file, 'file bytes');
    await client(api.url).uploadFile(file);
    await client(api.url).uploadFile(new Blob(['blob bytes']), { filename: 'f.bin' });
    await client(api.url, { fetch: (request, init) => globalThis.fetch(request, init) }).uploadFile(file);
    await client(api.url, { fetchOptions: { keepalive: false } }).uploadFile(file);
    await client(api.url).uploadFile(file, {}, { fetchOptions: { keepalive: false } });
    // Node's fetch sends Sec-Fetch-Mode: cors; node:http sends nothing of the kind.
    expect(storage.requests.map((request) => [request.body, request.headers['sec-fetch-mode']])).toEqual([
      ['file bytes', undefined],
      ['blob bytes', undefined],
      ['file bytes', 'cors'],
      ['file bytes', 'cors'],
      ['file bytes', 'cors'],
    ]);
    expect(storage.requests[1]?.headers['content-length']).toBe('10');
  });

  it('retries a 5xx from the storage and sends the whole file again', async () => {
    const storage = await serve((_request, response) => {
      if (storage.requests.length === 1) sendJson(response, 503, { error: 'slow down' }, { 'retry-after': '0' });
      else response.writeHead(200).end();
    });
    const api = await uploadApi(() => storage.url);
    const file = join(folder, 'f.bin');
    await writeFile(file, Buffer.alloc(3 * MiB, 7));
    expect(await client(api.url, { maxRetries: 1 }).uploadFile(file)).toBe('uploads/f.bin');
    expect(storage.requests.map((request) => [request.body.length, request.headers['sec-fetch-mode']])).toEqual([
      [3 * MiB, undefined],
      [3 * MiB, undefined],
    ]);
  });

  it('sends a file larger than its buffers byte for byte, with progress up to the total', async () => {
    const storage = await serve((_request, response) => {
      response.writeHead(200).end();
    });
    const api = await uploadApi(() => storage.url);
    const file = join(folder, 'f.bin');
    const bytes = Buffer.alloc(3 * MiB + 123);
    // Printable ASCII, so the body the server keeps as text is the bytes; the pattern changes from chunk to chunk.
    for (let index = 0; index < bytes.length; index++) bytes[index] = 32 + ((index * 7 + (index >> 16)) % 95);
    await writeFile(file, bytes);
    const progress: number[] = [];
    await client(api.url).uploadFile(file, { onProgress: ({ loaded }) => progress.push(loaded) });
    expect(storage.requests[0]?.body === bytes.toString('latin1')).toBe(true);
    expect(storage.requests[0]?.headers['content-length']).toBe(String(bytes.length));
    expect(storage.requests[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('a file that shrinks during the PUT: the shrink is the error, and nothing is retried', async () => {
    const puts: number[] = [];
    const storage = await rawStorage((request, response) => {
      const attempt = puts.push(0) - 1;
      request.on('data', (chunk: Buffer) => {
        puts[attempt] = (puts[attempt] ?? 0) + chunk.length;
      });
      request.on('end', () => response.writeHead(200).end());
    });
    const api = await uploadApi(() => storage.url);
    const file = join(folder, 'shrinking.bin');
    await writeFile(file, Buffer.alloc(4 * MiB, 3));
    let truncated = false;
    const error = await client(api.url, { maxRetries: 2 })
      .uploadFile(file, {
        onProgress: () => {
          if (!truncated) truncateSync(file, MiB / 2);
          truncated = true;
        },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(/shrinking\.bin.* shrank while it was being uploaded/);
    expect(puts.length).toBeLessThanOrEqual(1);
    expect(puts[0] ?? 0).toBeLessThan(4 * MiB);
  });

  it('a storage host that drops the connection mid-body: the whole file is sent again', async () => {
    const file = join(folder, 'f.bin');
    await writeFile(file, Buffer.alloc(8 * MiB, 5));
    const received: number[] = [];
    const storage = await rawStorage((request, response) => {
      const attempt = received.push(0) - 1;
      request.on('data', (chunk: Buffer) => {
        received[attempt] = (received[attempt] ?? 0) + chunk.length;
        if (attempt === 0 && (received[attempt] ?? 0) > MiB) request.socket.destroy();
      });
      request.on('end', () => response.writeHead(200).end());
    });
    const api = await uploadApi(() => storage.url);
    expect(await client(api.url, { maxRetries: 1 }).uploadFile(file)).toBe('uploads/f.bin');
    expect(received).toHaveLength(2);
    expect(received[0]).toBeLessThan(8 * MiB);
    expect(received[1]).toBe(8 * MiB);
  }, 30_000);

  it('caps an error body from the storage at 1 MiB', async () => {
    const storage = await serve((_request, response) => {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end(`${SIGNATURE} ${'x'.repeat(3 * MiB)}`);
    });
    const api = await uploadApi(() => storage.url);
    const error = await client(api.url)
      .uploadFile(new Blob(['x']), { filename: 'f.bin' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(JSON.stringify(error)).not.toContain(SIGNATURE);
    expect(storage.requests[0]?.headers['sec-fetch-mode']).toBeUndefined();
  });

  it('a storage host that stops reading mid-body: APITimeoutError at the timeout, and the connection is closed', async () => {
    let received = 0;
    let arrived: IncomingMessage | undefined;
    const storage = createServer((request: IncomingMessage, _response: ServerResponse) => {
      arrived = request;
      let paused = false;
      request.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MiB && !paused) {
          paused = true;
          request.pause();
        }
      });
    });
    storage.listen(0, '127.0.0.1');
    await once(storage, 'listening');
    try {
      const api = await uploadApi(() => `http://127.0.0.1:${(storage.address() as AddressInfo).port}`);
      const file = join(folder, 'big.bin');
      await writeFile(file, Buffer.alloc(64 * MiB, 1));
      const started = Date.now();
      const error = await client(api.url)
        .uploadFile(file, { timeout: 1_500 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APITimeoutError);
      expect(Date.now() - started).toBeLessThan(20_000);
      // Reading again, the server meets the end of a connection the client closed mid-body.
      const request = arrived as IncomingMessage;
      // It errors with 'aborted' (ECONNRESET), then closes.
      request.on('error', () => {});
      const closed = new Promise((resolve) => request.once('close', resolve));
      request.resume();
      await closed;
      expect(request.complete).toBe(false);
      expect(received).toBeLessThan(64 * MiB);
    } finally {
      storage.closeAllConnections();
      storage.close();
    }
  }, 30_000);
});
