// uploadFile on Node PUTs through node:http (@trainwire/core/node-stream) unless the client has its own
// fetch or fetchOptions; real loopback servers, since that path is below fetch.
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APITimeoutError, MiddlemanClient, ResponseTooLargeError } from './index.js';

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
