import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '@trainwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultKind, startChaosProxy } from './chaos-proxy.js';

let upstream: Server;
let upstreamURL: string;
let applied = 0;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      applied += 1;
      const body = JSON.stringify({
        method: request.method,
        path: request.url,
        received: Buffer.concat(chunks).length,
        pad: 'x'.repeat(2000),
      });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamURL = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

async function through(kind: FaultKind | undefined, init: RequestInit = {}) {
  const proxy = await startChaosProxy({ target: upstreamURL, seed: 1, rate: kind ? 1 : 0, kinds: kind ? [kind] : [], stallMs: 300 });
  const before = applied;
  try {
    const outcome = await fetch(`${proxy.url}/v1/things?x=1`, { ...init, signal: AbortSignal.timeout(1500) })
      .then(async (response) => ({ status: response.status, headers: response.headers, text: await response.text() }))
      .catch((error: unknown) => ({ error: error as Error }));
    return { outcome, applied: applied - before, counts: proxy.counts() };
  } finally {
    await proxy.close();
  }
}

describe('startChaosProxy', () => {
  it('passes requests through untouched when no fault is drawn', async () => {
    const { outcome, applied: count, counts } = await through(undefined, { method: 'POST', body: 'hello' });
    expect(outcome).toMatchObject({ status: 200 });
    expect(JSON.parse((outcome as { text: string }).text)).toMatchObject({ method: 'POST', path: '/v1/things?x=1', received: 5 });
    expect(count).toBe(1);
    expect(counts.passed).toBe(1);
  });

  it('resets before the server sees the request', async () => {
    const { outcome, applied: count, counts } = await through('reset-before', { method: 'POST', body: 'x' });
    expect(outcome).toHaveProperty('error');
    expect(count).toBe(0);
    expect(counts['reset-before']).toBe(1);
  });

  it('resets after the server applied the request', async () => {
    const { outcome, applied: count } = await through('reset-after', { method: 'POST', body: 'x' });
    expect(outcome).toHaveProperty('error');
    expect(count).toBe(1);
  });

  it('answers 429 with Retry-After and an HTML 502 without reaching the server', async () => {
    const limited = await through('429');
    expect(limited.outcome).toMatchObject({ status: 429 });
    expect((limited.outcome as { headers: Headers }).headers.get('retry-after')).toBe('1');
    const gateway = await through('502');
    expect(gateway.outcome).toMatchObject({ status: 502 });
    expect((gateway.outcome as { text: string }).text).toContain('<html>');
    expect(limited.applied + gateway.applied).toBe(0);
  });

  it('stalls until the client gives up, then drops the socket', async () => {
    const started = Date.now();
    const { outcome } = await through('stall');
    expect(outcome).toHaveProperty('error');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('cuts the body short under the full Content-Length', async () => {
    const { outcome, applied: count } = await through('truncate');
    expect(outcome).toHaveProperty('error');
    expect(count).toBe(1);
  });

  it('draws the same faults from the same seed', () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    const a = Array.from({ length: 50 }, first);
    expect(Array.from({ length: 50 }, second)).toEqual(a);
    expect(new Set(a).size).toBe(50);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
  });
});
