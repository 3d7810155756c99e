import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createTinkerMock, tinkerService } from './tinker.js';

const BASE = 'https://tinker.thinkingmachines.dev/services/tinker-prod/api/v1';
async function call(mock: ReturnType<typeof createTinkerMock>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { 'X-API-Key': 'tml-mock-key', 'Content-Type': 'application/json', ...init.headers };
  const response = await getResponse(mock.handlers, new Request(`${BASE}${path}`, { ...init, headers }));
  if (!response) throw new Error(`no handler answered ${path}`);
  return response;
}

describe('createTinkerMock', () => {
  it('answers through getResponse (how the sandbox serves it), checking X-API-Key', async () => {
    const mock = createTinkerMock();
    const ok = await call(mock, '/training_runs?limit=2');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { training_runs: unknown[] }).training_runs).toHaveLength(2);
    const denied = await getResponse(mock.handlers, new Request(`${BASE}/training_runs`, { headers: { 'X-API-Key': 'tml-other' } }));
    expect(denied?.status).toBe(401);
    expect(await denied?.json()).toEqual({ detail: 'Invalid or missing API key' });
  });

  it('seeds the same data for the same seed, and other data for another', async () => {
    const ids = (seed: number) => [...createTinkerMock({ seed }).state.models.keys()];
    expect(ids(5)).toEqual(ids(5));
    expect(ids(5)).not.toEqual(ids(6));
    const mock = createTinkerMock({ seed: 5, trainingRuns: 2, checkpointsPerRun: 4 });
    const own = [...mock.state.models.values()].filter((model) => model.run.model_owner === mock.state.owner);
    expect(own.map((model) => model.checkpoints.length)).toEqual([4, 4]);
    expect(own[0]?.checkpoints[0]?.tinker_path).toMatch(/^tinker:\/\/[0-9a-f-]{36}:train:0\/weights\/0100$/);
  });

  it('exports the operation table for request validation', () => {
    expect(tinkerService.name).toBe('tinker');
    expect(tinkerService.auth).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(tinkerService.idempotencyHeader).toBe('X-Idempotency-Key');
    expect(tinkerService.operations['POST /api/v1/retrieve_future']?.operationId).toBe('retrieveFuture');
    expect(tinkerService.operations['GET /api/v1/training_runs']?.pagination).toMatchObject({
      style: 'offset',
      total: 'cursor.total_count',
    });
  });

  it('replays a write that repeats its X-Idempotency-Key', async () => {
    const mock = createTinkerMock();
    const body = JSON.stringify({ tags: [], sdk_version: 'x', type: 'create_session' });
    const headers = { 'X-Idempotency-Key': 'same' };
    const first = (await (await call(mock, '/create_session', { method: 'POST', body, headers })).json()) as { session_id: string };
    const second = (await (await call(mock, '/create_session', { method: 'POST', body, headers })).json()) as { session_id: string };
    expect(second.session_id).toBe(first.session_id);
    const third = (await (await call(mock, '/create_session', { method: 'POST', body })).json()) as { session_id: string };
    expect(third.session_id).not.toBe(first.session_id);
  });

  it('scales the archive Retry-After with speed and answers 404 for unknown futures', async () => {
    const mock = createTinkerMock({ speed: 10 });
    const model = [...mock.state.models.values()][0];
    const checkpoint = model?.checkpoints[0];
    const path = `/training_runs/${encodeURIComponent(model?.run.training_run_id ?? '')}/checkpoints/${checkpoint?.checkpoint_id}/archive`;
    const building = await call(mock, path);
    expect(building.status).toBe(503);
    expect(building.headers.get('retry-after-ms')).toBe('3000');
    expect(building.headers.get('retry-after')).toBe('3');
    const ready = await call(mock, path);
    expect(ready.status).toBe(302);
    expect(Date.parse(ready.headers.get('expires') ?? '')).toBeGreaterThan(Date.now());
    const unknown = await call(mock, '/retrieve_future', { method: 'POST', body: JSON.stringify({ request_id: 'nope' }) });
    expect(unknown.status).toBe(404);
  });
});
