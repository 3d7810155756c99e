// Middleman against hostile servers on loopback: an API that redirects to another origin, a storage
// host that redirects the presigned PUT, one that never answers it. Each fails without its fix.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { describe, expect, it } from 'vitest';
import { APITimeoutError, MiddlemanClient, RedirectError } from './index.js';

const KEY = 'mdlm_wire_0123456789abcdef';
const SIGNATURE = 'sig0123456789abcdef0123';
const serve = useLoopbackServers();

const client = (url: string, options: Partial<ConstructorParameters<typeof MiddlemanClient>[0]> = {}) =>
  new MiddlemanClient({ apiKey: KEY, baseURL: `${url}/api/v1`, logLevel: 'off', maxRetries: 0, ...options });

/** An API that answers the upload-url call with a presigned URL on `storage`. */
const uploadApi = (storage: () => string) =>
  serve((_request, response) =>
    sendJson(response, 200, { upload_url: `${storage()}/bucket/f.bin?X-Amz-Signature=${SIGNATURE}`, blob_path: 'uploads/f.bin' }),
  );

describe('Middleman redirects', () => {
  it.each([301, 302, 307, 308])('an API %i to another origin is a RedirectError; the other origin gets nothing', async (status) => {
    const other = await serve((_request, response) => sendJson(response, 200, {}));
    const api = await serve((request, response) => {
      response.writeHead(status, { location: `${other.url}${request.url}` }).end();
    });
    const error = await client(api.url)
      .getJob('job-1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedirectError);
    expect(other.requests).toHaveLength(0);
    expect(api.requests[0]?.headers['x-api-key']).toBe(KEY);
  });

  it('a storage host that sends the PUT on (307) to another origin: the bytes arrive, no API key anywhere', async () => {
    const regional = await serve((_request, response) => {
      response.writeHead(200).end();
    });
    const storage = await serve((request, response) => {
      response.writeHead(307, { location: `${regional.url}${request.url}` }).end();
    });
    const api = await uploadApi(() => storage.url);
    const blobPath = await client(api.url).uploadFile(new Blob(['hello storage']), { filename: 'f.bin' });
    expect(blobPath).toBe('uploads/f.bin');
    expect(regional.requests.map((request) => `${request.method} ${request.body}`)).toEqual(['PUT hello storage']);
    for (const request of [...storage.requests, ...regional.requests]) {
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(JSON.stringify(request.headers)).not.toContain(KEY);
    }
  });

  it('a storage redirect from https to plain http on another host is refused', async () => {
    const fetch = async (request: Request): Promise<Response> =>
      request.url.includes('/data/upload-url')
        ? Response.json({ upload_url: 'https://storage.example/bucket/f.bin?X-Amz-Signature=abc', blob_path: 'uploads/f.bin' })
        : new Response(null, { status: 307, headers: { location: 'http://evil.example/f.bin' } });
    const error = await client('https://api.example', { fetch })
      .uploadFile(new Blob(['x']), { filename: 'f.bin' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toContain('plain http');
  });
});

describe('uploadFile against a storage host that never answers the PUT', () => {
  it.each([
    ['a Blob', () => new Blob(['x'.repeat(1000)])],
    [
      'a file path',
      () => writeFile(join(tmpdir(), `wire-${process.pid}.bin`), 'x'.repeat(1000)).then(() => join(tmpdir(), `wire-${process.pid}.bin`)),
    ],
  ])('%s: the call ends with APITimeoutError within the timeout', async (_kind, source) => {
    const storage = await serve(() => {}); // accepts, reads the body, never answers
    const api = await uploadApi(() => storage.url);
    const started = Date.now();
    const error = await client(api.url)
      .uploadFile(await source(), { filename: 'f.bin', timeout: 500 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect((error as Error).message).toContain('Upload timed out after 500 ms');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(JSON.stringify(error)).not.toContain(SIGNATURE);
  });

  it("the call's timeout applies when the upload options have none, and each retry is bounded too", async () => {
    const storage = await serve(() => {});
    const api = await uploadApi(() => storage.url);
    const started = Date.now();
    const error = await client(api.url, { maxRetries: 1 })
      .uploadFile(new Blob(['x']), { filename: 'f.bin' }, { timeout: 400 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(storage.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
