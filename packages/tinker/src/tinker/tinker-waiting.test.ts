// Tinker futures and calls against hostile servers and hostile tokens, on loopback: a 429 that
// asks to wait ten years, an archive that answers 503 + Retry-After, and future tokens that try to
// send the key somewhere else. Every request that arrives is recorded.
import { FuturePollingError, InvalidFutureTokenError, isRetryWait, type Logger, RateLimitError } from '@trainwire/core';
import { sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { describe, expect, it } from 'vitest';
import { ServiceClient as TenSafeClient } from '../tensafe/tensafe-client.js';
import { ServiceClient } from './tinker-service-client.js';

const KEY = 'tml-waiting-0123456789abcdef';
const serve = useLoopbackServers();

const tinker = (url: string, options: Partial<ConstructorParameters<typeof ServiceClient>[0]> = {}) =>
  new ServiceClient({ apiKey: KEY, baseURL: url, logLevel: 'off', heartbeatInterval: 0, ...options });

/** A token as `serialize()` writes it (base64url JSON), holding whatever a hostile party put in it. */
const token = (saved: Record<string, unknown>) => Buffer.from(JSON.stringify({ v: 1, ...saved })).toString('base64url');
const tinkerToken = (request: Record<string, unknown>, data: Record<string, unknown> = {}) =>
  token({
    kind: 'tinker.future',
    id: 'req-1',
    data: { request_id: 'req-1', allow_metadata_only: true, resubmissions: 0, request, ...data },
  });
const sample = {
  type: 'Sample',
  path: '/api/v1/asample',
  body: { sampling_session_id: 's', num_samples: 1, prompt: { chunks: [] }, sampling_params: {}, type: 'sample' },
};

describe('a resumed future token is data, never an address', () => {
  const hostile: [string, string][] = [
    ['a path that joins the port (4/steal)', tinkerToken({ ...sample, path: '4/steal' })],
    ['a path outside the API (/admin/x)', tinkerToken({ ...sample, path: '/admin/x' })],
    ['a protocol-relative URL (//evil.test/x)', tinkerToken({ ...sample, path: '//evil.test/x' })],
    ['a full URL', tinkerToken({ ...sample, path: 'http://evil.test/api/v1/asample' })],
    ['.. segments', tinkerToken({ ...sample, path: '/api/v1/asample/../../admin' })],
    ['the path of another kind of request', tinkerToken({ ...sample, path: '/api/v1/forward_backward' })],
    ['an operation that is not a future', tinkerToken({ type: 'GetInfo', path: '/api/v1/get_info', body: {} })],
    ['a credential header', tinkerToken({ ...sample, headers: { 'X-API-Key': 'attacker-key' } })],
    ['a Host header', tinkerToken({ ...sample, headers: { Host: 'evil.test' } })],
    ['a body that is not an object', tinkerToken({ ...sample, body: 'x' })],
    ['a negative resubmission count', tinkerToken(sample, { resubmissions: -1 })],
    ['a request id that is not a string', tinkerToken(sample, { request_id: { $ne: null } })],
    ['a TenSafe future', token({ kind: 'tensafe.future', id: 'f-1' })],
    ['a future of no kind', token({ id: 'req-1' })],
  ];

  it.each(hostile)('refuses %s with InvalidFutureTokenError before any request', async (_case, hostileToken) => {
    // A server that forgets every future (410), so a resumed future would resubmit its request.
    const server = await serve((_request, response) => sendJson(response, 410, { detail: 'gone' }));
    for (const url of [server.url, `${server.url}/services/tinker`]) {
      const error = await tinker(url)
        .resumeFuture(hostileToken)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidFutureTokenError);
    }
    expect(server.requests).toEqual([]);
  });

  it('refuses a Tinker token in the TenSafe client, before any request', async () => {
    const server = await serve((_request, response) => sendJson(response, 500, {}));
    const tensafe = new TenSafeClient({ apiKey: KEY, baseURL: server.url, logLevel: 'off' });
    const error = await tensafe.resumeFuture(tinkerToken(sample)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidFutureTokenError);
    expect(server.requests).toEqual([]);
  });

  it('resubmits a well-formed token to its own operation, under the base path, after a 410', async () => {
    const server = await serve((request, response) => {
      if (request.url.endsWith('/retrieve_future')) {
        const { request_id } = JSON.parse(request.body) as { request_id: string };
        if (request_id === 'req-1') return sendJson(response, 410, { detail: 'gone' });
        return sendJson(response, 200, { sequences: [], type: 'sample' });
      }
      return sendJson(response, 200, { request_id: 'req-2' });
    });
    await tinker(`${server.url}/services/tinker`).resumeFuture(
      tinkerToken({ ...sample, headers: { 'X-Tinker-Sampling-Backpressure': '1' } }),
    );
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /services/tinker/api/v1/retrieve_future',
      'POST /services/tinker/api/v1/asample',
      'POST /services/tinker/api/v1/retrieve_future',
    ]);
    expect(server.requests[1]?.headers['x-api-key']).toBe(KEY);
  });
});

describe('a Tinker future against a server that answers 429 with Retry-After: 315360000 for ever', () => {
  it('makes a bounded number of requests: the wait is capped at 60 s, never overflowing the timer', async () => {
    const server = await serve((_request, response) => sendJson(response, 429, { detail: 'slow down' }, { 'retry-after': '315360000' }));
    const controller = new AbortController();
    const future = tinker(server.url).resumeFuture(tinkerToken(sample));
    const progress: unknown[] = [];
    future.onProgress((value) => progress.push(value));
    const waiting = future.result({ signal: controller.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    controller.abort();
    await waiting;
    // An overflowed timer fires after 1 ms: hundreds of requests a second.
    expect(server.requests).toHaveLength(1);
    expect(progress).toEqual([expect.objectContaining({ type: 'wait', delay: 60_000, retryAfter: true, status: 429 })]);
  });
});

describe('getCheckpointArchiveUrl waiting on a 503 + Retry-After', () => {
  it('reports the wait through onProgress, onWait and an info line, then returns the URL', async () => {
    const server = await serve((_request, response) => {
      if (server.requests.length === 1) return sendJson(response, 503, { detail: 'building the archive' }, { 'retry-after': '1' });
      return sendJson(response, 200, { url: 'https://storage.test/a.tar?sig=0123456789abcdef', expires: '2030-01-01T00:00:00Z' });
    });
    const info: string[] = [];
    const logger: Logger = { debug: () => {}, info: (line) => info.push(line), warn: () => {}, error: () => {} };
    const rest = tinker(server.url, { logger, logLevel: 'info' }).createRestClient();
    const onWait: unknown[] = [];
    const future = rest.getCheckpointArchiveUrl('run-1', 'weights/0100', { onWait: (wait) => onWait.push(wait) });
    const progress: unknown[] = [];
    future.onProgress((value) => progress.push(value));
    expect(await future).toEqual({ url: 'https://storage.test/a.tar?sig=0123456789abcdef', expires: '2030-01-01T00:00:00Z' });
    const wait = {
      type: 'wait',
      target: `GET ${server.url}/api/v1/training_runs/run-1/checkpoints/weights/0100/archive`,
      delay: 1000,
      retryAfter: true,
      status: 503,
      reason: '503',
      attempt: 2,
      maxAttempts: 6,
    };
    expect(progress).toEqual([wait]);
    expect(progress.every(isRetryWait)).toBe(true);
    expect(onWait).toEqual([wait]);
    expect(info).toEqual([`Retrying ${wait.target} in 1000 ms (attempt 2 of 6): 503, as the server asked (Retry-After)`]);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });
});

describe('a Tinker future whose polls fail for ever', () => {
  it('gives up with FuturePollingError naming the last failure', async () => {
    const server = await serve((_request, response) => sendJson(response, 429, { detail: 'slow down' }, { 'retry-after-ms': '1' }));
    const future = tinker(server.url).resumeFuture(tinkerToken(sample));
    const error = await future.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FuturePollingError);
    expect((error as FuturePollingError).cause).toBeInstanceOf(RateLimitError);
    expect(server.requests).toHaveLength(10);
  });
});
