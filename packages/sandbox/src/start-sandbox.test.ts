import { createConnection } from 'node:net';
import { BadRequestError, InternalServerError, NotFoundError } from '@trainwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SandboxMockOptions } from './sandbox-service.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';
import { conformanceClient, conformanceSandboxService } from './test-support/conformance-sandbox-service.js';
import { probeSandboxService } from './test-support/probe-service.js';

const services = { conformance: conformanceSandboxService, probe: probeSandboxService };
const key = { 'x-api-key': 'cf-sandbox-key' };
let sandbox: Sandbox<typeof services>;

async function start(options: Parameters<typeof startSandbox<typeof services>>[0] = {}) {
  sandbox = await startSandbox({ services, ...options });
  return sandbox;
}

afterEach(async () => {
  await sandbox?.close();
});

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('startSandbox', () => {
  it('serves every service under its own path on one loopback port, with env lines and live mock state', async () => {
    await start();
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.port).toBeGreaterThan(0);
    expect(sandbox.urls).toEqual({ conformance: `${sandbox.url}/conformance`, probe: `${sandbox.url}/probe` });
    expect(sandbox.env).toEqual({
      CONFORMANCE_BASE_URL: `${sandbox.url}/conformance`,
      CONFORMANCE_API_KEY: 'cf-sandbox-key',
      PROBE_BASE_URL: `${sandbox.url}/probe`,
    });

    const client = conformanceClient(sandbox.urls.conformance);
    const created = await client.createRun({ name: 'from-the-sdk', base_model: 'llama-3-8b' });
    expect(sandbox.mocks.conformance.state.runs[0]).toMatchObject({ id: created.id, name: 'from-the-sdk' });
    const names: string[] = [];
    for await (const run of client.listRuns({ limit: 3 })) names.push(run.name);
    expect(names).toHaveLength(8);
    expect(await client.submitStep(created.id, { kind: 'optim_step' })).toMatchObject({ step: 1 });
    expect(sandbox.requests()).toEqual({ conformance: expect.any(Number), probe: 0 });
    expect(sandbox.requests().conformance).toBeGreaterThanOrEqual(6);
    expect(sandbox.violations()).toEqual([]);
  });

  it('gives every mock factory its base URL, key, seed and speed', async () => {
    const seen: unknown[] = [];
    const recording = {
      ...probeSandboxService,
      createMock: (options: SandboxMockOptions) => {
        seen.push(options);
        return probeSandboxService.createMock(options);
      },
    };
    sandbox = (await startSandbox({ services: { probe: recording }, seed: 11, speed: 4 })) as never;
    expect(seen).toEqual([{ baseURL: `${sandbox.url}/probe`, apiKey: 'probe-key', seed: 11, speed: 4 }]);
    await expect(startSandbox({ services, speed: 0 })).rejects.toThrow('speed must be a positive number, got 0.');
  });

  it('listens on the port it is given and frees it on close', async () => {
    const first = await start();
    const port = first.port;
    await first.close();
    expect(await portIsFree(port)).toBe(true);
    const again = await start({ port });
    expect(again.port).toBe(port);
    expect(await portIsFree(port)).toBe(false);
    await again.close();
    expect(await portIsFree(port)).toBe(true);
  });

  it('fails to start on a port already taken', async () => {
    await start();
    await expect(startSandbox({ services, port: sandbox.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('close drops open keep-alive connections and in-flight requests', async () => {
    await start();
    const pending = fetch(`${sandbox.urls.conformance}/v1/runs`, { headers: { ...key, 'x-sandbox-fault': 'slow=120000' } });
    // Wait until the request is in flight (the sandbox counts it as it arrives), not for a fixed time.
    await vi.waitFor(() => expect(sandbox.requests().conformance).toBe(1), { timeout: 30_000, interval: 10 });
    const started = Date.now();
    await sandbox.close();
    // Far less than the 120 s the answer would take: close did not wait for it.
    expect(Date.now() - started).toBeLessThan(20_000);
    await expect(pending).rejects.toThrow(TypeError);
  });

  it('answers the mock auth as the mock does (the sandbox adds nothing of its own)', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.conformance}/v1/runs`, { headers: { 'x-api-key': 'wrong' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-sandbox-error')).toBeNull();
    expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Invalid API key.' } });
  });

  it('lists its services at /', async () => {
    await start();
    const index = await (await fetch(`${sandbox.url}/`)).json();
    expect(index).toMatchObject({ services: sandbox.urls, requests: { conformance: 0, probe: 0 } });
  });
});

describe('routing', () => {
  it('answers 404 naming method and path for a path under no service', async () => {
    await start();
    const response = await fetch(`${sandbox.url}/nothing/here`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-sandbox-error')).toBe('sandbox_no_service');
    expect((await response.json()).error.message).toBe('No service at DELETE /nothing/here: the sandbox serves /conformance, /probe.');
  });

  it('answers 404 naming method and path for an operation the spec does not have', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.conformance}/v1/nope`, { headers: key });
    expect(response.status).toBe(404);
    expect((await response.json()).error).toEqual({
      type: 'sandbox_error',
      code: 'sandbox_no_route',
      message: 'No operation GET /v1/nope in the Conformance spec.',
    });
  });

  it('answers 405 with Allow for a path the spec serves under other methods', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.conformance}/v1/runs/run-1`, { method: 'PATCH', headers: key });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, DELETE');
    expect((await response.json()).error.message).toBe('PATCH /v1/runs/run-1 is not in the Conformance spec (it allows GET, DELETE).');
  });

  it('answers 501 when the spec has the operation but the mock does not implement it', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.probe}/unimplemented`);
    expect(response.status).toBe(501);
    expect((await response.json()).error.message).toBe('The Probe mock does not implement getUnimplemented (GET /unimplemented).');
  });

  it('passes paths the service declares outside its spec (presigned storage URLs) to the mock unchecked', async () => {
    await start();
    const stored = await fetch(`${sandbox.urls.probe}/_storage/blob.bin?signature=abc`, { method: 'PUT', body: new Uint8Array(300) });
    expect(stored.status).toBe(200);
    expect(await stored.text()).toBe('stored blob.bin: 300 bytes');
    const unknown = await fetch(`${sandbox.urls.probe}/_storage/blob.bin`);
    expect(unknown.status).toBe(501);
    expect((await unknown.json()).error.message).toBe('The Probe mock does not implement GET /_storage/blob.bin.');
    const faulty = await fetch(`${sandbox.urls.probe}/_storage/blob.bin`, {
      method: 'PUT',
      body: 'x',
      headers: { 'x-sandbox-fault': '503' },
    });
    expect(faulty.status).toBe(503);
    expect(sandbox.violations()).toEqual([]);
  });

  it('surfaces as the SDK error class with the sandbox message', async () => {
    await start();
    const client = conformanceClient(sandbox.urls.conformance);
    const error = await client.getRun('run-404').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('No run run-404.');
  });
});

describe('request checks', () => {
  it('refuses a body that breaks the spec with 400 naming the field', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.conformance}/v1/runs`, {
      method: 'POST',
      headers: { ...key, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', base_model: 'llama-3-8b', rank: 'sixteen' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-sandbox-error')).toBe('sandbox_invalid_request');
    expect((await response.json()).error.message).toBe('createRun (POST /v1/runs): body.rank expected integer, got string "sixteen"');
    expect(sandbox.mocks.conformance.state.runs).toHaveLength(7);
  });

  it('refuses a missing required field, an unknown field of a closed object, bad JSON and a missing body', async () => {
    await start();
    const post = async (path: string, body: string | undefined) => {
      const response = await fetch(`${sandbox.urls.conformance}${path}`, {
        method: 'POST',
        headers: { ...key, 'content-type': 'application/json' },
        ...(body !== undefined && { body }),
      });
      return `${response.status} ${(await response.json()).error.message}`;
    };
    expect(await post('/v1/runs', JSON.stringify({ base_model: 'm' }))).toBe('400 createRun (POST /v1/runs): body.name is required');
    expect(await post('/v1/futures/retrieve', JSON.stringify({ request_id: 'r', extra: 1 }))).toBe(
      '400 retrieveFuture (POST /v1/futures/retrieve): body.extra is not allowed',
    );
    expect(await post('/v1/runs', '{"name":')).toMatch(/^400 createRun \(POST \/v1\/runs\): body is not valid JSON \(/);
    expect(await post('/v1/runs', undefined)).toBe('400 createRun (POST /v1/runs): body is required');
  });

  it('checks query and path params after turning their text into the declared types', async () => {
    await start();
    const get = async (path: string) => {
      const response = await fetch(`${sandbox.urls.conformance}${path}`, { headers: key });
      return `${response.status}${response.ok ? '' : ` ${(await response.json()).error.message}`}`;
    };
    expect(await get('/v1/runs?limit=5&offset=2&status=queued')).toBe('200');
    expect(await get('/v1/runs?limit=0')).toBe('400 listRuns (GET /v1/runs): query.limit must be >= 1, got 0');
    expect(await get('/v1/runs?limit=ten')).toBe('400 listRuns (GET /v1/runs): query.limit expected integer, got string "ten"');
    expect(await get('/v1/runs?status=exploded')).toMatch(/^400 listRuns \(GET \/v1\/runs\): query\.status expected one of "queued"/);
    expect(await get('/v1/events?per_page=1001')).toBe('400 listEvents (GET /v1/events): query.per_page must be <= 1000, got 1001');
  });

  it('refuses a JSON operation sent another media type (415) and a JSON body over the limit (413)', async () => {
    await start({ maxJsonBodyBytes: 64 });
    const wrongType = await fetch(`${sandbox.urls.conformance}/v1/runs`, {
      method: 'POST',
      headers: { ...key, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(wrongType.status).toBe(415);
    expect((await wrongType.json()).error.message).toBe('createRun (POST /v1/runs): body must be application/json, got text/plain');
    const large = await fetch(`${sandbox.urls.conformance}/v1/runs`, {
      method: 'POST',
      headers: { ...key, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(100), base_model: 'm' }),
    });
    expect(large.status).toBe(413);
  });

  it('lets an SDK that skips its own checks see the sandbox refuse the request', async () => {
    await start();
    const { ConformanceClient } = await import('@trainwire/conformance');
    const client = new ConformanceClient({ baseURL: sandbox.urls.conformance, apiKey: 'cf-sandbox-key', validateRequests: false });
    const error = await client.createRun({ name: 'x', base_model: 'm', rank: -1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toBe('400 createRun (POST /v1/runs): body.rank must be >= 1, got -1');
  });
});

describe('response checks', () => {
  it('turns a mock answer that breaks the spec into a 500 naming the mismatch, and records it', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.probe}/broken`);
    expect(response.status).toBe(500);
    expect(response.headers.get('x-sandbox-error')).toBe('sandbox_spec_violation');
    expect((await response.json()).error.message).toBe(
      'The Probe mock broke its spec on getBroken: status 200: body.count expected integer, got string "three"',
    );
    expect(sandbox.violations()).toEqual([
      {
        service: 'probe',
        operationId: 'getBroken',
        method: 'GET',
        path: '/broken',
        status: 200,
        message: 'status 200: body.count expected integer, got string "three"',
      },
    ]);
  });

  it('passes an undeclared error status through but records it', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.probe}/teapot`);
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ short: 'and stout' });
    expect(sandbox.violations()).toMatchObject([
      { operationId: 'getTeapot', status: 418, message: 'status 418 is not declared (the spec lists 200)' },
    ]);
  });

  it('reaches the SDK as an InternalServerError carrying the message', async () => {
    await start();
    const client = conformanceClient(sandbox.urls.conformance, { maxRetries: 0 });
    sandbox.mocks.conformance.state.runs[0] = { ...sandbox.mocks.conformance.state.runs[0], steps: 'many' } as never;
    const error = await client.listRuns({ limit: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toBe(
      '500 The Conformance mock broke its spec on listRuns: status 200: body.runs[0].steps expected integer, got string "many"',
    );
  });
});

describe('CORS', () => {
  it('answers a preflight allowing the method and every requested header', async () => {
    await start();
    const response = await fetch(`${sandbox.urls.conformance}/v1/runs`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-api-key, idempotency-key, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, x-api-key, idempotency-key, content-type');
    expect(response.headers.get('access-control-expose-headers')).toBe('*');
    expect(sandbox.requests().conformance).toBe(0);
  });

  it('lets pages read every answer: mock, sandbox error and injected fault', async () => {
    await start();
    for (const [path, headers] of [
      ['/conformance/v1/runs', key],
      ['/conformance/v1/nope', key],
      ['/elsewhere', {}],
      ['/conformance/v1/runs', { 'x-sandbox-fault': '429' }],
    ] as const) {
      const response = await fetch(`${sandbox.url}${path}`, { headers: { origin: 'http://localhost:5173', ...headers } });
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(response.headers.get('access-control-expose-headers'), path).toBe('*');
    }
  });
});
