import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useLoopbackServers } from '../../../tools/testing/src/loopback-server.js';
import { MAX_ERROR_BODY_BYTES } from './bounded-body.js';
import { ResponseTooLargeError } from './refusal-errors.js';
import { type paths, widgets } from './test-support/widgets.js';
import { createTransport, type TransportOptions } from './transport.js';

const serve = useLoopbackServers();
const MiB = 1024 * 1024;

function client(baseURL: string, options: Partial<TransportOptions> = {}) {
  return createTransport<paths>({ definition: widgets, baseURL, logLevel: 'off', maxRetries: 0, timeout: 120_000, ...options });
}

/** Write `{"widgets":[{...},{...},...` for ever (until the client goes away). */
function endless(response: ServerResponse, status = 200, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.write('{"total":1,"widgets":[');
  const chunk = Buffer.from('{"id":"w","name":"flood","size":1},'.repeat(2_000));
  const pump = (): void => {
    while (!response.destroyed && response.write(chunk)) {}
    if (!response.destroyed) response.once('drain', pump);
  };
  response.on('close', () => response.destroy());
  pump();
}

const listWidgets = (api: ReturnType<typeof client>) => api.request('get', '/widgets', {}).catch((caught: unknown) => caught);

describe('maxResponseBytes', () => {
  it('an endless 2xx JSON body fails fast with ResponseTooLargeError at the cap', async () => {
    const server = await serve((_request, response) => endless(response));
    const started = Date.now();
    const error = await listWidgets(client(server.url, { maxResponseBytes: MiB }));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ status: 200, limit: MiB, retryable: false });
    expect((error as Error).message).toContain(`larger than the limit of ${MiB} bytes`);
    // Far below the 120 s timeout that would end an unbounded read (generous for a loaded machine).
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('at the default cap (64 MiB) an endless body costs about the cap, not the whole stream', async () => {
    const server = await serve((_request, response) => endless(response));
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const error = await listWidgets(client(server.url));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limit).toBe(64 * MiB);
    // The server streams far more than this for as long as it is read.
    expect(peak - before).toBeLessThan(200 * MiB);
  }, 180_000);

  it('a Content-Length above the cap is refused before the body is read', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * MiB) });
      response.write('{"total":1,"widgets":[');
      // …and the rest never comes: reading it would wait for the timeout.
    });
    const started = Date.now();
    const error = await listWidgets(client(server.url, { maxResponseBytes: MiB }));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toContain(`Content-Length: ${1024 * MiB}`);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('an error body is capped at 1 MiB: a flood on a 500 ends, typed, after every retry', async () => {
    const server = await serve((_request, response) => endless(response, 500));
    const error = await listWidgets(client(server.url, { maxRetries: 1 }));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ status: 500, limit: MAX_ERROR_BODY_BYTES });
    // The 500 was retried (its body discarded unread) before the last one was read.
    expect(server.requests).toHaveLength(2);
  }, 60_000);

  it('a body at the cap is read as usual; streamed calls are not capped', async () => {
    const body = JSON.stringify({ total: 1, widgets: [{ id: 'w1', name: 'x'.repeat(1_000), size: 1 }] });
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    const exact = client(server.url, { maxResponseBytes: Buffer.byteLength(body) });
    expect(await exact.request('get', '/widgets', {})).toEqual(JSON.parse(body));
    const small = client(server.url, { maxResponseBytes: 100 });
    const raw = await small.requestRaw('get', '/widgets', {});
    expect(await raw.text()).toBe(body);
  });

  it('refuses a cap that is not a whole number of bytes', () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => client('http://127.0.0.1:9', { maxResponseBytes })).toThrow(/maxResponseBytes/);
  });
});
