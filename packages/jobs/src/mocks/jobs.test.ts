import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createMiddlemanMock, jobsService, MIDDLEMAN_MOCK_API_KEY } from './index.js';

const BASE = 'https://api.middleman.run/api/v1';

/** Send a request straight to the handlers, as the sandbox does over node:http. */
async function send(
  handlers: ReturnType<typeof createMiddlemanMock>['handlers'],
  path: string,
  init: RequestInit & { key?: string | null } = {},
) {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('x-api-key', init.key ?? MIDDLEMAN_MOCK_API_KEY);
  if (init.body) headers.set('content-type', 'application/json');
  const url = path.startsWith('http') ? path : `${BASE}${path}`;
  const response = await getResponse(handlers, new Request(url, { ...init, headers }));
  if (!response) throw new Error(`no handler for ${path}`);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

describe('createMiddlemanMock', () => {
  it('exports the operation table of the spec', () => {
    expect(jobsService.servers).toEqual([BASE]);
    expect(jobsService.auth).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(jobsService.idempotencyHeader).toBe('Idempotency-Key');
    expect(Object.keys(jobsService.operations)).toContain('POST /jobs/{job_id}/cancel');
  });

  it('seeds the same jobs for the same seed, and other ones for another seed', async () => {
    const ids = async (seed: number) =>
      (await send(createMiddlemanMock({ seed, speed: 0 }).handlers, '/jobs?limit=100')).body.data.map((job: { id: string }) => job.id);
    expect(await ids(11)).toEqual(await ids(11));
    expect(await ids(11)).not.toEqual(await ids(12));
  });

  it('answers like FastAPI: 401 without or with a wrong key, {detail} errors, 422 with loc/msg', async () => {
    const { handlers } = createMiddlemanMock({ speed: 0 });
    expect(await send(handlers, '/billing/balance', { key: null })).toMatchObject({ status: 401, body: { detail: 'Not authenticated' } });
    expect(await send(handlers, '/billing/balance', { key: 'mdlm_nope_nope_nope' })).toMatchObject({
      status: 401,
      body: { detail: 'Invalid API key' },
    });
    const invalid = await send(handlers, '/jobs', {
      method: 'POST',
      body: JSON.stringify({ script_path: '', input_data_path: '/d', gpu_count: 12 }),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.detail).toEqual([
      { loc: ['body', 'script_path'], msg: 'String should have at least 1 character', type: 'string_too_short' },
      { loc: ['body', 'gpu_count'], msg: 'Input should be between 1 and 8', type: 'less_than_equal' },
    ]);
    expect((await send(handlers, '/jobs?limit=500')).status).toBe(422);
  });

  it('advances created jobs with the clock, scaled by speed', async () => {
    const { handlers, state } = createMiddlemanMock({ speed: 1000, stepMs: 1000 });
    const created = await send(handlers, '/jobs', {
      method: 'POST',
      body: JSON.stringify({ script_path: '/s.py', input_data_path: '/d' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    const [job] = (await send(handlers, '/jobs?limit=1')).body.data;
    expect(job).toMatchObject({ id: created.body.id, status: 'completed', current_epoch: 10, actual_cost: 32, reserved_credits: 0 });
    expect(state.jobs.get(created.body.id)?.loss_history).toHaveLength(10);
  });

  it('moves nothing at speed 0 until a job is polled', async () => {
    const { handlers } = createMiddlemanMock({ speed: 0 });
    const created = await send(handlers, '/jobs', {
      method: 'POST',
      body: JSON.stringify({ script_path: '/s.py', input_data_path: '/d' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await send(handlers, '/jobs?limit=1')).body.data[0].status).toBe('queued');
    expect((await send(handlers, `/jobs/${created.body.id}`)).body.status).toBe('provisioning');
    expect((await send(handlers, `/jobs/${created.body.id}`)).body).toMatchObject({ status: 'running', started_at: expect.any(String) });
  });

  it('replays a repeated Idempotency-Key instead of acting twice', async () => {
    const { handlers, state } = createMiddlemanMock({ speed: 0 });
    const running = [...state.jobs.values()].find((entry) => entry.job.status === 'running')!;
    const first = await send(handlers, `/jobs/${running.job.id}/cancel`, { method: 'POST', headers: { 'Idempotency-Key': 'k1' } });
    const replay = await send(handlers, `/jobs/${running.job.id}/cancel`, { method: 'POST', headers: { 'Idempotency-Key': 'k1' } });
    expect(first.status).toBe(200);
    expect(replay).toMatchObject({ status: 200, body: first.body });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(state.transactions.filter((item) => item.type === 'refund' && item.job_id === running.job.id)).toHaveLength(1);
    const fresh = await send(handlers, `/jobs/${running.job.id}/cancel`, { method: 'POST', headers: { 'Idempotency-Key': 'k2' } });
    expect(fresh).toMatchObject({ status: 409, body: { detail: 'Job is already cancelled' } });
  });

  it('keeps available credits equal to the sum of transactions through a job life', async () => {
    const { handlers, state } = createMiddlemanMock({ speed: 0 });
    const sum = () => state.transactions.reduce((total, item) => total + item.amount, 0);
    expect(state.available).toBe(sum());
    const created = await send(handlers, '/jobs', {
      method: 'POST',
      body: JSON.stringify({ script_path: '/s.py', input_data_path: '/d', gpu_type: 'a100', gpu_count: 2 }),
    });
    expect(state.available).toBe(sum());
    for (let poll = 0; poll < 5; poll++) await send(handlers, `/jobs/${created.body.id}`);
    await send(handlers, `/jobs/${created.body.id}/pause`, { method: 'POST' });
    await send(handlers, `/jobs/${created.body.id}/cancel`, { method: 'POST' });
    expect(state.available).toBe(sum());
    expect(state.account.reserved).toBe([...state.jobs.values()].reduce((total, entry) => total + entry.job.reserved_credits, 0));
  });

  it('accepts a presigned PUT once, for exactly the size it was signed for, without an API key', async () => {
    const { handlers, state } = createMiddlemanMock({ speed: 0 });
    const target = await send(handlers, '/data/upload-url', {
      method: 'POST',
      body: JSON.stringify({ filename: 'a.bin', content_type: 'application/octet-stream', size_bytes: 4 }),
    });
    const url: string = target.body.upload_url;
    expect((await send(handlers, url.split('?')[0]!, { method: 'PUT', body: 'abcd', key: null })).status).toBe(403);
    expect((await send(handlers, url, { method: 'PUT', body: 'abc', key: null })).body).toBe(
      'SignatureDoesNotMatch: expected 4 bytes, got 3',
    );
    expect((await send(handlers, url, { method: 'PUT', body: 'abcd', key: null })).status).toBe(200);
    expect((await send(handlers, url, { method: 'PUT', body: 'abcd', key: null })).status).toBe(409);
    expect([...state.uploads.values()][0]).toMatchObject({ blob_path: target.body.blob_path, received: 4 });
  });

  it('refuses writes with a read-only key (403) and revoked keys (401)', async () => {
    const { handlers } = createMiddlemanMock({ speed: 0 });
    const created = await send(handlers, '/api-keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'ro', scopes: ['read'], expires_in_days: null }),
    });
    const key = created.body.key as string;
    expect((await send(handlers, '/billing/balance', { key })).status).toBe(200);
    expect(await send(handlers, '/api-keys', { method: 'POST', key, body: JSON.stringify({ name: 'x', scopes: ['read'] }) })).toMatchObject(
      {
        status: 403,
        body: { detail: "This API key lacks the 'write' scope" },
      },
    );
    await send(handlers, `/api-keys/${created.body.id}`, { method: 'DELETE' });
    expect((await send(handlers, '/billing/balance', { key })).status).toBe(401);
  });

  it('puts an x-request-id on every answer, errors and presigned storage included, the same ids for the same seed', async () => {
    const ids = async (seed: number) => {
      const { handlers } = createMiddlemanMock({ seed, speed: 0 });
      const answers = [
        await send(handlers, '/billing/balance'),
        await send(handlers, '/billing/balance', { key: null }),
        await send(handlers, '/jobs', { method: 'POST', body: '{}' }),
        await send(handlers, '/jobs/nope'),
        await send(handlers, `${BASE}/_storage/upload/nope?signature=x`, { method: 'PUT', body: 'a', key: null }),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([200, 401, 422, 404, 403]);
      return answers.map((answer) => answer.headers.get('x-request-id'));
    };
    const first = await ids(3);
    for (const id of first) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(new Set(first).size).toBe(first.length);
    expect(await ids(3)).toEqual(first);
    expect(await ids(4)).not.toEqual(first);
  });

  it("answers a body that is not JSON with FastAPI's 422 json_invalid", async () => {
    const { handlers } = createMiddlemanMock({ speed: 0 });
    const answer = await send(handlers, '/jobs', { method: 'POST', body: '{"script_path":' });
    expect(answer).toMatchObject({ status: 422, body: { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error' }] } });
  });

  it('serves under another base URL', async () => {
    const { handlers } = createMiddlemanMock({ baseURL: 'http://127.0.0.1:4010/middleman/api/v1/', speed: 0 });
    const response = await getResponse(
      handlers,
      new Request('http://127.0.0.1:4010/middleman/api/v1/billing/packages', { headers: { 'x-api-key': MIDDLEMAN_MOCK_API_KEY } }),
    );
    expect((await response!.json()).packages).toHaveLength(4);
  });
});
