import { request as httpRequest } from 'node:http';
import { APIConnectionError, RateLimitError } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultOptions } from './fault-options.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';
import { conformanceClient, conformanceSandboxService } from './test-support/conformance-sandbox-service.js';
import { probeSandboxService } from './test-support/probe-service.js';

const services = { conformance: conformanceSandboxService, probe: probeSandboxService };
const key = { 'x-api-key': 'cf-sandbox-key' };
let sandbox: Sandbox<typeof services>;

afterEach(async () => {
  await sandbox?.close();
});

async function start(faults?: FaultOptions) {
  sandbox = await startSandbox({ services, seed: 3, ...(faults && { faults }) });
  return sandbox;
}

const createRun = (fault: string, name = 'faulty') =>
  fetch(`${sandbox.urls.conformance}/v1/runs`, {
    method: 'POST',
    headers: { ...key, 'content-type': 'application/json', 'x-sandbox-fault': fault },
    body: JSON.stringify({ name, base_model: 'llama-3-8b' }),
  });

/** The raw bytes and headers of a response, read with node:http so a cut-short body can be seen. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ contentLength: number; received: number; error: string | undefined }>((resolve) => {
    const request = httpRequest(url, { headers }, (response) => {
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      const done = (error?: Error) =>
        resolve({ contentLength: Number(response.headers['content-length']), received, error: error?.message });
      response.on('end', () => done());
      response.on('error', done);
      response.on('aborted', () => done(new Error('aborted')));
    });
    request.end();
  });
}

describe('fault header', () => {
  it.each(['500', '502', '503'])('answers %s before the mock runs (nothing is created)', async (status) => {
    await start();
    const response = await createRun(status);
    expect(response.status).toBe(Number(status));
    expect(response.headers.get('x-sandbox-error')).toBe(`sandbox_fault_${status}`);
    expect((await response.json()).error.message).toBe(`Injected fault ${status} (trainwire-sandbox).`);
    expect(sandbox.mocks.conformance.state.runs).toHaveLength(7);
    expect(sandbox.faults()[status as '500']).toBe(1);
  });

  it('answers 429 with Retry-After (seconds) and Retry-After-Ms', async () => {
    await start({ retryAfterMs: 1500 });
    const response = await createRun('429');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('retry-after-ms')).toBe('1500');
  });

  it('resets the connection before reading the body: the request never reaches the mock', async () => {
    await start();
    await expect(createRun('reset')).rejects.toThrow(TypeError);
    expect(sandbox.mocks.conformance.state.runs).toHaveLength(7);
    expect(sandbox.faults().reset).toBe(1);
  });

  it('resets the connection after the mock ran: the write happened, the answer is lost', async () => {
    await start();
    await expect(createRun('reset-after', 'applied')).rejects.toThrow(TypeError);
    expect(sandbox.mocks.conformance.state.runs[0]?.name).toBe('applied');
    expect(sandbox.faults()['reset-after']).toBe(1);
  });

  it('delays the answer by slow=<ms> and still answers', async () => {
    await start();
    const started = performance.now();
    const response = await fetch(`${sandbox.urls.conformance}/v1/runs`, { headers: { ...key, 'x-sandbox-fault': 'slow=300' } });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(sandbox.faults().slow).toBe(1);
  });

  it('combines slow with another fault', async () => {
    await start();
    const started = performance.now();
    const response = await fetch(`${sandbox.urls.conformance}/v1/runs`, { headers: { ...key, 'x-sandbox-fault': 'slow=200, 503' } });
    expect(response.status).toBe(503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(sandbox.faults()).toMatchObject({ slow: 1, '503': 1 });
  });

  it('truncates: announces the whole length, sends half, then drops the connection', async () => {
    await start();
    const result = await rawGet(`${sandbox.urls.conformance}/v1/runs`, { ...key, 'x-sandbox-fault': 'truncate' });
    expect(result.contentLength).toBeGreaterThan(100);
    expect(result.received).toBe(Math.floor(result.contentLength / 2));
    expect(result.error).toBeDefined();
    await expect(
      fetch(`${sandbox.urls.conformance}/v1/runs`, { headers: { ...key, 'x-sandbox-fault': 'truncate' } }).then((response) =>
        response.text(),
      ),
    ).rejects.toThrow(TypeError);
    expect(sandbox.faults().truncate).toBe(2);
  });

  it('takes the fault header away before the mock sees the request', async () => {
    await start();
    await fetch(`${sandbox.urls.probe}/headers`, { headers: { 'x-sandbox-fault': 'slow=1', 'x-kept': 'yes' } });
    expect(sandbox.mocks.probe.state.seenHeaders?.get('x-kept')).toBe('yes');
    expect(sandbox.mocks.probe.state.seenHeaders?.has('x-sandbox-fault')).toBe(false);
  });

  it('refuses an unknown fault with 400 naming it', async () => {
    await start();
    const response = await createRun('explode');
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toBe(
      'x-sandbox-fault: Unknown fault "explode": expected one of 429, 500, 502, 503, reset, reset-after, slow, truncate or slow=<ms>.',
    );
  });
});

describe('faults through an SDK', () => {
  it('an SDK sees an injected 429 as RateLimitError carrying the wait asked for', async () => {
    await start({ retryAfterMs: 20 });
    const client = conformanceClient(sandbox.urls.conformance);
    const run = await client.getRun('run-1', { headers: { 'x-sandbox-fault': '429' }, maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(run).toBeInstanceOf(RateLimitError);
    expect((run as RateLimitError).retryAfter).toBe(20);
  });

  it('a retried write after reset-after is applied once (the idempotency key is reused and honoured)', async () => {
    await start({ rate: 1, kinds: ['reset-after'], seed: 1 });
    const client = conformanceClient(sandbox.urls.conformance, { maxRetries: 2 });
    // Every attempt is applied and then cut: the key makes the mock replay the first answer.
    const error = await client.createRun({ name: 'once', base_model: 'llama-3-8b' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(sandbox.mocks.conformance.state.runs.filter((run) => run.name === 'once')).toHaveLength(1);
    expect(sandbox.faults()['reset-after']).toBe(3);
  });
});

describe('random faults', () => {
  const statuses = async (count: number) => {
    const seen: string[] = [];
    for (let index = 0; index < count; index++) {
      const outcome = await fetch(`${sandbox.urls.conformance}/v1/runs?limit=1`, { headers: key }).then(
        (response) => String(response.status),
        () => 'reset',
      );
      seen.push(outcome);
    }
    return seen;
  };

  it('injects the configured share of faults, the same ones for the same seed', async () => {
    await start({ rate: 0.5, kinds: ['429', '503', 'reset'], seed: 42, retryAfterMs: 0 });
    const first = await statuses(40);
    const counts = sandbox.faults();
    await sandbox.close();
    await start({ rate: 0.5, kinds: ['429', '503', 'reset'], seed: 42, retryAfterMs: 0 });
    expect(await statuses(40)).toEqual(first);
    expect(sandbox.faults()).toEqual(counts);
    const injected = counts['429'] + counts['503'] + counts.reset;
    expect(injected).toBe(first.filter((status) => status !== '200').length);
    expect(injected).toBeGreaterThan(8);
    expect(injected).toBeLessThan(32);
    expect(counts['429']).toBeGreaterThan(0);
    expect(counts['503']).toBeGreaterThan(0);
    expect(counts.reset).toBeGreaterThan(0);
  });

  it('draws a different sequence for another seed, and none at rate 0', async () => {
    await start({ rate: 0.5, kinds: ['503'], seed: 1 });
    const one = await statuses(30);
    await sandbox.close();
    await start({ rate: 0.5, kinds: ['503'], seed: 2 });
    expect(await statuses(30)).not.toEqual(one);
    await sandbox.close();
    await start({ rate: 0, kinds: ['503'] });
    expect(new Set(await statuses(10))).toEqual(new Set(['200']));
  });

  it('turns random faults on and off while running, for the services named', async () => {
    await start();
    const conformance = () => fetch(`${sandbox.urls.conformance}/v1/runs`, { headers: key }).then((response) => response.status);
    const probe = () => fetch(`${sandbox.urls.probe}/headers`).then((response) => response.status);
    expect(await conformance()).toBe(200);
    sandbox.setFaults({ rate: 1, kinds: ['503'], services: ['conformance'] });
    expect(await conformance()).toBe(503);
    expect(await probe()).toBe(200);
    sandbox.setFaults(undefined);
    expect(await conformance()).toBe(200);
    expect(sandbox.faults()['503']).toBe(1);
    expect(() => sandbox.setFaults({ rate: 1, services: ['tinkr'] })).toThrow('Fault services must be served services; not served: tinkr.');
  });

  it('still lets a per-request header win', async () => {
    await start({ rate: 1, kinds: ['503'] });
    const response = await fetch(`${sandbox.urls.conformance}/v1/runs`, { headers: { ...key, 'x-sandbox-fault': '502' } });
    expect(response.status).toBe(502);
  });

  it('an SDK gets through random 5xx, 429, resets and truncations with its retries', async () => {
    await start({ rate: 0.3, kinds: ['429', '500', '503', 'reset', 'truncate'], seed: 9, retryAfterMs: 1 });
    const client = conformanceClient(sandbox.urls.conformance, { maxRetries: 6 });
    for (let index = 0; index < 10; index++) {
      expect((await client.getRun('run-1')).id).toBe('run-1');
    }
    const injected = Object.values(sandbox.faults()).reduce((sum, count) => sum + count, 0);
    expect(injected).toBeGreaterThan(0);
  });
});
