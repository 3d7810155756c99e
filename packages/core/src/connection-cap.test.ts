import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sendJson, useLoopbackServers } from '../../../tools/testing/src/loopback-server.js';
import { ConnectionCap, withConnectionCap } from './connection-cap.js';
import { APIUserAbortError } from './errors.js';
import { type paths, widgets } from './test-support/widgets.js';
import { createTransport, type TransportOptions } from './transport.js';

const serve = useLoopbackServers();
const widget = { id: 'w1', name: 'gear', size: 3 };

function client(baseURL: string, options: Partial<TransportOptions> = {}) {
  return createTransport<paths>({ definition: widgets, baseURL, logLevel: 'off', maxRetries: 0, timeout: 120_000, ...options });
}

/** A server that answers after `delay` ms and counts the requests it holds open at once. */
async function counting(delay: number) {
  const state = { open: 0, most: 0 };
  const server = await serve((_request, response) => {
    state.open++;
    state.most = Math.max(state.most, state.open);
    setTimeout(() => {
      state.open--;
      sendJson(response, 200, widget);
    }, delay);
  });
  return { server, state };
}

const getWidget = (api: ReturnType<typeof client>, signal?: AbortSignal) =>
  api.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }, { signal });

describe('maxConcurrentRequests', () => {
  it('2,000 concurrent calls with a cap of 16: at most 16 reach the server at once, and all succeed', async () => {
    const { server, state } = await counting(2);
    const api = client(server.url, { maxConcurrentRequests: 16 });
    const results = await Promise.all(Array.from({ length: 2_000 }, () => getWidget(api)));
    expect(results).toHaveLength(2_000);
    expect(results.every((result) => result.id === 'w1')).toBe(true);
    expect(server.requests).toHaveLength(2_000);
    // How many are open at once depends on the machine's speed; never more than the cap.
    expect(state.most).toBeLessThanOrEqual(16);
    expect(state.most).toBeGreaterThan(1);
  }, 180_000);

  it('without a cap (0) the same burst goes out at once', async () => {
    const { server, state } = await counting(50);
    const api = client(server.url, { maxConcurrentRequests: 0 });
    await Promise.all(Array.from({ length: 100 }, () => getWidget(api)));
    expect(state.most).toBeGreaterThan(16);
  }, 60_000);

  it('a queued call that is aborted leaves the queue; the others go on in order', async () => {
    const cap = new ConnectionCap(1);
    const first = await cap.acquire();
    const order: string[] = [];
    const controller = new AbortController();
    const aborted = cap.acquire(controller.signal).then(() => order.push('aborted'));
    const second = cap.acquire().then((release) => {
      order.push('second');
      return release;
    });
    const third = cap.acquire().then((release) => {
      order.push('third');
      release();
    });
    expect(cap.waiting).toBe(3);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(cap.waiting).toBe(2);
    first();
    (await second)();
    await third;
    expect(order).toEqual(['second', 'third']);
    expect(cap.active).toBe(0);
  });

  it('a call aborted while it waits for a slot ends with APIUserAbortError and sends nothing', async () => {
    const server = await serve(() => {}); // never answers: the first call holds the only slot
    const api = client(server.url, { maxConcurrentRequests: 1 });
    const holding = new AbortController();
    const held = getWidget(api, holding.signal).catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = new AbortController();
    const waiting = getWidget(api, queued.signal).catch((caught: unknown) => caught);
    queued.abort();
    expect(await waiting).toBeInstanceOf(APIUserAbortError);
    holding.abort();
    expect(await held).toBeInstanceOf(APIUserAbortError);
    expect(server.requests.length).toBeLessThanOrEqual(1);
  });

  it('every way an attempt ends frees its slot: a retried 503, a redirect, an error body, a body over the limit', async () => {
    let calls = 0;
    const server = await serve((request, response) => {
      calls++;
      if (request.url === '/widgets/retry' && calls % 2 === 1)
        return sendJson(response, 503, { detail: 'busy' }, { 'retry-after-ms': '1' });
      if (request.url === '/widgets/moved') {
        response.writeHead(307, { location: '/widgets/w1' });
        response.end();
        return;
      }
      if (request.url === '/widgets/missing') return sendJson(response, 404, { detail: 'no such widget' });
      if (request.url === '/widgets/big') return sendJson(response, 200, { ...widget, name: 'x'.repeat(4_096) });
      sendJson(response, 200, widget);
    });
    // One slot and buffered answers: an attempt that kept its slot would leave every later call waiting.
    const api = client(server.url, { maxConcurrentRequests: 1, maxRetries: 2, maxResponseBytes: 1_024, timeout: 20_000 });
    const get = (id: string) =>
      api.request('get', '/widgets/{id}', { params: { path: { id } } }).then(
        (data) => data.id,
        (error: Error) => error.name,
      );
    for (let round = 0; round < 3; round++) {
      expect(await get('retry')).toBe('w1');
      expect(await get('moved')).toBe('w1');
      expect(await get('missing')).toBe('NotFoundError');
      expect(await get('big')).toBe('ResponseTooLargeError');
    }
  }, 60_000);

  it('a streamed body holds its slot until it is read to the end', async () => {
    const { server, state } = await counting(0);
    const api = client(server.url, { maxConcurrentRequests: 1 });
    const stream = await api.requestRaw('get', '/widgets/{id}', { params: { path: { id: 'w1' } } });
    let second = false;
    const next = getWidget(api).then(() => {
      second = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(await stream.text())).toEqual(widget);
    await next;
    expect(second).toBe(true);
    expect(state.most).toBe(1);
  });

  it('1,000 concurrent calls under `ulimit -n 256` with the default cap: no EMFILE', async () => {
    const script = fileURLToPath(new URL('./test-support/burst-under-ulimit.mjs', import.meta.url));
    const { stdout } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        'bash',
        ['-c', `ulimit -n 256 && exec "${process.execPath}" "${script}" 1000`],
        { timeout: 240_000 },
        (error, stdout, stderr) => (error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr })),
      );
    });
    const report = JSON.parse(stdout) as { ok: number; failed: string[]; most: number; connections: number; fds: number; limit: string };
    expect(report.limit).toBe('256');
    expect(report.failed).toEqual([]);
    expect(report.ok).toBe(1_000);
    expect(report.most).toBeLessThanOrEqual(64);
    // Sockets stay near the cap too (a slot is handed on once the connection is back in the pool).
    expect(report.connections).toBeLessThanOrEqual(96);
  }, 300_000);

  it('a capped fetch hands out the response its fetch returned; reading, cancelling or a clone frees the slot once the body ends', async () => {
    const cap = new ConnectionCap(1);
    const given: Response[] = [];
    const fetch = withConnectionCap(async () => {
      const response = new Response(JSON.stringify(widget), { headers: { 'content-type': 'application/json' } });
      given.push(response);
      return response;
    }, cap);
    const request = () => new Request('http://127.0.0.1:9/widgets/w1');

    const read = await fetch(request());
    expect(read).toBe(given[0]);
    expect(read.bodyUsed).toBe(false);
    expect(cap.active).toBe(1);
    expect(await read.json()).toEqual(widget);
    expect(read.bodyUsed).toBe(true);
    expect(cap.active).toBe(0);
    await expect(read.text()).rejects.toBeInstanceOf(TypeError);

    const cancelled = await fetch(request());
    expect(cancelled).toBe(given[1]);
    await cancelled.body?.cancel();
    expect(cap.active).toBe(0);

    const streamed = await fetch(request());
    const copy = streamed.clone();
    expect(copy.url).toBe(streamed.url);
    expect(await copy.json()).toEqual(widget);
    expect(await streamed.text()).toBe(JSON.stringify(widget));
    expect(cap.active).toBe(0);

    const queued = fetch(request());
    expect(cap.waiting).toBe(0);
    expect(await (await queued).json()).toEqual(widget);
    expect(cap.active).toBe(0);
  });

  it('a free slot is taken at once; a full cap queues, and an aborted signal never takes one', async () => {
    const cap = new ConnectionCap(1);
    const release = cap.tryAcquire();
    expect(release).toBeTypeOf('function');
    expect(cap.tryAcquire()).toBeUndefined();
    const fetch = withConnectionCap(async () => new Response(null, { status: 204 }), cap);
    const waiting = fetch(new Request('http://127.0.0.1:9/widgets'));
    await Promise.resolve();
    expect(cap.waiting).toBe(1);
    release?.();
    expect((await waiting).status).toBe(204);
    expect(cap.active).toBe(0);
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    await expect(fetch(new Request('http://127.0.0.1:9/widgets', { signal: stop.signal }))).rejects.toThrow('stopped');
    expect(cap.active).toBe(0);
  });
});
