import { getResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsMock, metricsService } from './metrics.js';

const BASE = 'https://metrics.syvain.com/api/v1';
const KEY = 'ak_org_trainwire_test';

/** Send one request straight to the handlers, as the sandbox does over node:http. */
async function send(
  mock: ReturnType<typeof createMetricsMock>,
  method: string,
  path: string,
  init: { body?: unknown; token?: string; key?: string } = {},
) {
  const headers: Record<string, string> = { authorization: `Bearer ${init.token ?? KEY}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.key) headers['idempotency-key'] = init.key;
  const request = new Request(`${BASE}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const response = await getResponse(mock.handlers, request);
  if (!response) throw new Error(`no handler for ${method} ${path}`);
  return { status: response.status, headers: response.headers, body: response.status === 204 ? undefined : await response.json() };
}

describe('createMetricsMock', () => {
  it('exports the operation table', () => {
    expect(metricsService.name).toBe('metrics');
    expect(Object.values(metricsService.operations).map((operation) => operation.operationId)).toContain('ingestMetrics');
  });

  it('seeds the same data for the same seed, other ids for another', async () => {
    const first = createMetricsMock({ seed: 42 });
    const again = createMetricsMock({ seed: 42 });
    const other = createMetricsMock({ seed: 43 });
    const ids = (mock: ReturnType<typeof createMetricsMock>) => [...mock.state.experiments.keys()];
    expect(ids(first)).toEqual(ids(again));
    expect(ids(first)).not.toEqual(ids(other));
    const id = ids(first)[0] as string;
    expect(first.state.events(id).map((event) => event.value)).toEqual(again.state.events(id).map((event) => event.value));
    expect(createMetricsMock({ experiments: 5 }).state.experiments.size).toBe(5);
    const listed = await send(first, 'GET', '/experiments');
    expect(listed.body.experiments.map((experiment: { slug: string }) => experiment.slug)).toEqual([
      'mamba-run-003',
      'mamba-run-002',
      'mamba-run-001',
    ]);
  });

  it('checks credentials the way the service does', async () => {
    const mock = createMetricsMock();
    const [experiment, otherExperiment] = [...mock.state.experiments.keys()] as [string, string];
    expect(await send(mock, 'GET', '/folders', { token: 'ak_org_nope' })).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    const events = { metrics: [{ client_event_id: 'x', name: 'loss', value: 1 }] };
    expect((await send(mock, 'POST', `/experiments/${experiment}/metrics/ingest`, { body: events })).body.error.code).toBe(
      'ingestion_key_required',
    );
    const minted = await send(mock, 'POST', `/experiments/${otherExperiment}/ingestion-keys`, { body: {} });
    expect(minted.status).toBe(201);
    const wrong = await send(mock, 'POST', `/experiments/${experiment}/metrics/ingest`, { body: events, token: minted.body.secret });
    expect(wrong.status).toBe(403);
    const status = await send(mock, 'GET', '/auth/status', { token: minted.body.secret });
    expect(status.body.principal).toMatchObject({ type: 'ingestion_key', experiment_id: otherExperiment });
    await send(mock, 'DELETE', `/experiments/${otherExperiment}/ingestion-keys/${minted.body.ingestion_key.id}`);
    const revoked = await send(mock, 'POST', `/experiments/${otherExperiment}/metrics/ingest`, { body: events, token: minted.body.secret });
    expect(revoked).toMatchObject({ status: 401, body: { error: { code: 'invalid_ingestion_key' } } });
  });

  it('replays a repeated Idempotency-Key and refuses one reused for another body', async () => {
    const mock = createMetricsMock();
    const first = await send(mock, 'POST', '/folders', { body: { name: 'a' }, key: 'key-1' });
    const replay = await send(mock, 'POST', '/folders', { body: { name: 'a' }, key: 'key-1' });
    expect({ status: replay.status, body: replay.body }).toEqual({ status: first.status, body: first.body });
    // A replay is another exchange: its own request id.
    expect(replay.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect([...mock.state.folders.values()].filter((folder) => folder.name === 'a')).toHaveLength(1);
    const reused = await send(mock, 'POST', '/folders', { body: { name: 'b' }, key: 'key-1' });
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
    const conflict = await send(mock, 'POST', '/folders', { body: { name: 'a' }, key: 'key-2' });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('x-should-retry')).toBe('false');
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues ingestion without sync (202, visible after ingestDelay / speed), stores at once with sync', async () => {
    // The mock's clock is Date.now() × speed: a frozen clock keeps a slow machine from seeing the event early.
    vi.useFakeTimers({ toFake: ['Date'] });
    const mock = createMetricsMock({ ingestDelay: 1_000, speed: 20 });
    const experiment = [...mock.state.experiments.keys()][0] as string;
    const { body: minted } = await send(mock, 'POST', `/experiments/${experiment}/ingestion-keys`, { body: {} });
    const event = (id: string) => ({ client_event_id: id, name: 'queued', value: 1, step: 1 });
    const queued = await send(mock, 'POST', `/experiments/${experiment}/metrics/ingest`, {
      body: { metrics: [event('q1')] },
      token: minted.secret,
    });
    expect(queued).toEqual({ status: 202, headers: expect.anything(), body: { accepted: 1, duplicates: 0, rejected: [] } });
    vi.setSystemTime(Date.now() + 49);
    expect((await send(mock, 'GET', `/experiments/${experiment}/metrics?name=queued`)).body.metrics).toHaveLength(0);
    vi.setSystemTime(Date.now() + 1);
    expect((await send(mock, 'GET', `/experiments/${experiment}/metrics?name=queued`)).body.metrics).toHaveLength(1);
    const stored = await send(mock, 'POST', `/experiments/${experiment}/metrics/ingest?sync=true`, {
      body: { metrics: [event('q2'), event('q1'), { ...event('q1'), value: 2 }] },
      token: minted.secret,
    });
    expect(stored).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 1, rejected: [{ client_event_id: 'q1' }] } });
    expect((await send(mock, 'GET', `/experiments/${experiment}/metrics?name=queued`)).body.metrics).toHaveLength(2);
  });

  it('refuses malformed and oversized batches as a whole', async () => {
    const mock = createMetricsMock();
    const experiment = [...mock.state.experiments.keys()][0] as string;
    const { body: minted } = await send(mock, 'POST', `/experiments/${experiment}/ingestion-keys`, { body: {} });
    const ingest = (metrics: unknown[]) =>
      send(mock, 'POST', `/experiments/${experiment}/metrics/ingest`, { body: { metrics }, token: minted.secret });
    const bad = await ingest([
      { client_event_id: 'a', name: 'loss', value: 1 },
      { client_event_id: 'b', name: 'loss', value: 'high' },
    ]);
    expect(bad).toMatchObject({ status: 400, body: { error: { message: 'metrics[1]: value must be a finite number' } } });
    const many = Array.from({ length: 10_001 }, (_, index) => ({ client_event_id: `e${index}`, name: 'loss', value: index }));
    expect((await ingest(many)).status).toBe(413);
    expect(mock.state.events(experiment).some((event) => event.client_event_id === 'a')).toBe(false);
  });

  it('puts an x-request-id on every answer, errors and empty bodies included, the same ids for the same seed', async () => {
    const ids = async (seed: number) => {
      const mock = createMetricsMock({ seed });
      const experiment = [...mock.state.experiments.keys()][0] as string;
      const minted = await send(mock, 'POST', `/experiments/${experiment}/ingestion-keys`, { body: {} });
      const answers = [
        minted,
        await send(mock, 'GET', '/folders', { token: 'ak_org_nope' }),
        await send(mock, 'GET', `/experiments/${experiment}/metrics?cursor=nope`),
        await send(mock, 'DELETE', `/experiments/${experiment}/ingestion-keys/${minted.body.ingestion_key.id}`),
        await send(mock, 'GET', '/auth/status'),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([201, 401, 400, 204, 200]);
      return answers.map((answer) => answer.headers.get('x-request-id'));
    };
    const first = await ids(5);
    for (const id of first) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(new Set(first).size).toBe(first.length);
    expect(await ids(5)).toEqual(first);
    expect(await ids(6)).not.toEqual(first);
  });

  it('answers a write whose body is not JSON with 400 invalid_json, and keeps nothing for its key', async () => {
    const mock = createMetricsMock();
    const request = new Request(`${BASE}/folders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: '{"name":',
    });
    const response = await getResponse(mock.handlers, request);
    expect(response?.status).toBe(400);
    expect(await response?.json()).toEqual({ error: { code: 'invalid_json', message: 'The body is not valid JSON.' } });
    expect((await send(mock, 'POST', '/folders', { body: { name: 'k' }, key: 'k' })).status).toBe(201);
  });

  it('expires ingestion keys on the simulated clock', async () => {
    const mock = createMetricsMock({ speed: 60_000 });
    const experiment = [...mock.state.experiments.keys()][0] as string;
    const { body: minted } = await send(mock, 'POST', `/experiments/${experiment}/ingestion-keys`, { body: { ttl_seconds: 60 } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = await send(mock, 'POST', `/experiments/${experiment}/annotations`, { body: { text: 'late' }, token: minted.secret });
    expect(late).toMatchObject({ status: 401, body: { error: { message: 'Ingestion key has expired.' } } });
  });
});
