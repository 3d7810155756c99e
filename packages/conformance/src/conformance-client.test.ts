import {
  AuthenticationError,
  ConfigError,
  FutureFailedError,
  InvalidRequestError,
  NotFoundError,
  ResponseValidationError,
} from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConformanceClient } from './conformance-client.js';
import { createConformanceMock } from './mocks/conformance.js';

const BASE = 'https://conformance.trainwire.test';
let mock = createConformanceMock();
const { server, requests } = useMockServer(() => {
  mock = createConformanceMock({ runs: 7, pollsUntilDone: 2 });
  return mock.handlers;
});

const client = (options: ConstructorParameters<typeof ConformanceClient>[0] = {}) =>
  new ConformanceClient({ apiKey: 'cf-test-key', logLevel: 'off', ...options });

afterEach(() => vi.unstubAllEnvs());

describe('ConformanceClient', () => {
  it('reads the key from CONFORMANCE_API_KEY and names both when it is missing', async () => {
    vi.stubEnv('CONFORMANCE_API_KEY', 'cf-test-key');
    const runs = await new ConformanceClient({ logLevel: 'off' }).listRuns({ limit: 1 });
    expect(runs.runs).toHaveLength(1);
    vi.stubEnv('CONFORMANCE_API_KEY', '');
    expect(() => new ConformanceClient()).toThrow(ConfigError);
    expect(() => new ConformanceClient()).toThrow(/apiKey.*CONFORMANCE_API_KEY/);
  });

  it('lists runs: the first page when awaited, every run with for await', async () => {
    const page = await client().listRuns({ limit: 3 });
    expect(page.runs.map((run) => run.id)).toEqual(['run-7', 'run-6', 'run-5']);
    expect(page.cursor).toEqual({ offset: 0, limit: 3, total_count: 7 });
    const ids: string[] = [];
    for await (const run of client().listRuns({ limit: 3 })) ids.push(run.id);
    expect(ids).toHaveLength(7);
    const queries = requests.filter((request) => request.url.pathname === '/v1/runs').map((request) => request.url.search);
    expect(queries).toEqual(['?limit=3', '?limit=3', '?limit=3&offset=3', '?limit=3&offset=6']);
  });

  it('stops asking once the loop breaks', async () => {
    for await (const run of client().listRuns({ limit: 2 })) if (run.id === 'run-6') break;
    expect(requests).toHaveLength(1);
  });

  it('creates a run with an idempotency key and the exact body', async () => {
    const run = await client().createRun({ name: 'lora-a', base_model: 'llama-3-8b', rank: 8 });
    expect(run).toMatchObject({ id: 'run-8', name: 'lora-a', rank: 8, status: 'queued' });
    const [sent] = requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.headers.get('x-api-key')).toBe('cf-test-key');
    expect(sent?.headers.get('content-type')).toBe('application/json');
    expect(sent?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sent?.body).toBe('{"name":"lora-a","base_model":"llama-3-8b","rank":8}');
  });

  it('never creates a run twice when the first answer is lost', async () => {
    let first = true;
    server.use(
      http.post(`${BASE}/v1/runs`, () => {
        if (!first) return undefined; // fall through to the mock
        first = false;
        return HttpResponse.error();
      }),
    );
    const before = mock.state.runs.length;
    await client().createRun({ name: 'lora-b', base_model: 'llama-3-8b' }, { idempotencyKey: 'fixed-key' });
    await client().createRun({ name: 'lora-b', base_model: 'llama-3-8b' }, { idempotencyKey: 'fixed-key' });
    expect(mock.state.runs.length - before).toBe(1);
    expect(requests.map((request) => request.headers.get('idempotency-key'))).toEqual(['fixed-key', 'fixed-key', 'fixed-key']);
  });

  it('rejects a bad body before sending it', async () => {
    const error = await client()
      .createRun({ name: 'x', base_model: 'llama-3-8b', rank: 0 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('body.rank');
    expect(requests).toHaveLength(0);
  });

  it('gets and deletes a run, then 404s', async () => {
    await expect(client().getRun('run-3')).resolves.toMatchObject({ id: 'run-3' });
    await expect(client().deleteRun('run-3')).resolves.toBeUndefined();
    const error = await client()
      .getRun('run-3')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe('404 No run run-3.');
    expect((error as NotFoundError).code).toBe('not_found');
  });

  it('encodes ids with / and : as one segment', async () => {
    await client()
      .getRun('run:1/weights/../x')
      .catch(() => undefined);
    expect(requests[0]?.url.pathname).toBe('/v1/runs/run%3A1%2Fweights%2F..%2Fx');
  });

  it('maps a wrong key to AuthenticationError', async () => {
    await expect(client({ apiKey: 'wrong-key-123' }).getRun('run-1')).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('runs a step through a future, reporting queue state, and resumes it from a token', async () => {
    const future = client().submitStep('run-1', { kind: 'optim_step', learning_rate: 0.001 });
    const seen: unknown[] = [];
    future.onProgress((progress) => seen.push(progress));
    await expect(future.result({ timeout: 5_000 })).resolves.toEqual({ step: 1, loss: 2.25 });
    expect(seen).toEqual([{ queue_state: 'active' }, { queue_state: 'active' }]);
    const retrieves = requests.filter((request) => request.url.pathname === '/v1/futures/retrieve');
    expect(retrieves).toHaveLength(3);
    expect(await retrieves[0]?.body).toBe(`{"request_id":"${future.id}"}`);

    const second = client().submitStep('run-1', { kind: 'forward_backward' });
    const token = (await second.submitted()) && second.serialize();
    await expect(client().resumeStep(token)).resolves.toMatchObject({ step: 1 });
  });

  it('fails the future with FutureFailedError when the run is gone', async () => {
    const future = client().submitStep('run-2', { kind: 'optim_step' });
    await future.submitted();
    await client().deleteRun('run-2');
    const error = await future.result().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FutureFailedError);
    expect((error as FutureFailedError).category).toBe('run_deleted');
  });

  it('pages events by page/per_page and checkpoints by cursor', async () => {
    const events = await client().listEvents({ per_page: 3 }).toArray();
    expect(events.map((event) => event.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const checkpoints = await client().listCheckpoints({ limit: 3 }).toArray();
    expect(checkpoints).toHaveLength(7);
    const searches = requests.map((request) => `${request.url.pathname}${request.url.search}`);
    expect(searches).toEqual([
      '/v1/events?per_page=3',
      '/v1/events?per_page=3&page=2',
      '/v1/events?per_page=3&page=3',
      '/v1/checkpoints?limit=3',
      '/v1/checkpoints?limit=3&cursor=3',
      '/v1/checkpoints?limit=3&cursor=6',
    ]);
  });

  it('lists models from a bare array', async () => {
    const models = await client().listModels().toArray();
    expect(models.map((model) => model.name)).toEqual(['llama-3-8b', 'qwen-2.5-7b']);
  });

  it('downloads checkpoint bytes', async () => {
    const bytes = await client().downloadCheckpoint('run-1:weights/0001');
    expect(bytes).toHaveLength(2048);
    expect(bytes[250]).toBe(250);
    expect(bytes[251]).toBe(0);
  });

  it('rejects a 2xx that breaks the spec, naming the field', async () => {
    server.use(http.get(`${BASE}/v1/runs/:runId`, () => HttpResponse.json({ id: 'run-1', name: 'x', status: 'exploded' })));
    const error = await client()
      .getRun('run-1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('$.base_model');
  });
});
