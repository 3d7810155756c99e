import { InvalidRequestError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { createMetricsMock } from '../mocks/metrics.js';
import { holdRequests } from '../test-support/hold-requests.js';
import { clientEventId, stableHash } from './client-event-id.js';
import { MetricsIngestorFullError } from './metrics-ingestor.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';
import { MetricsApiError } from './syvain-metrics-errors.js';

const BASE = 'https://metrics.syvain.com';
const INGEST = `${BASE}/api/v1/experiments/:id/metrics/ingest`;
let mock = createMetricsMock();
const { server, requests } = useMockServer(() => {
  mock = createMetricsMock({ seed: 3, experiments: 1 });
  return mock.handlers;
});
const client = () => new SyvainMetricsApiClient('ak_org_trainwire_test', { logLevel: 'off' });
const newExperiment = async (metrics = client()) =>
  (await metrics.createExperiment(`run-${Math.random().toString(36).slice(2)}`)).experiment.id;
const ingests = () => requests.filter((request) => request.url.pathname.endsWith('/metrics/ingest'));
const bodies = async () =>
  Promise.all(ingests().map(async (request) => JSON.parse(await request.body).metrics as Record<string, unknown>[]));

/** Every stored event of the experiment once, and none twice. */
function expectExactlyOnce(experimentId: string, expected: number) {
  const stored = mock.state.events(experimentId);
  expect(stored).toHaveLength(expected);
  expect(new Set(stored.map((event) => event.client_event_id)).size).toBe(expected);
}

describe('MetricsIngestor', () => {
  it('batches by size and sends stable ids, metadata, steps and timestamps', async () => {
    const metrics = client();
    const experiment = await newExperiment(metrics);
    const ingestor = metrics.ingestor(experiment, { batchSize: 100 });
    for (let step = 0; step < 250; step++) ingestor.log('loss', 1 / (step + 1), { step, metadata: { split: 'train', rank: 0 } });
    const report = await ingestor.close();
    expect(report).toEqual({
      logged: 250,
      recovered: 0,
      sent: 250,
      accepted: 250,
      duplicates: 0,
      failed: 0,
      inSpool: 0,
      dropped: 0,
      pending: 0,
      failures: [],
    });
    const batches = await bodies();
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
    const first = batches[0]?.[0] as Record<string, unknown>;
    const run = stableHash(experiment).slice(0, 8);
    expect(first).toMatchObject({ name: 'loss', value: 1, step: 0, metadata: { rank: 0, split: 'train' } });
    expect(first.client_event_id).toBe(`${run}/loss/0/${stableHash('{"rank":0,"split":"train"}')}`);
    expect(first.client_event_id).toBe(clientEventId(run, 'loss', 0, { split: 'train', rank: 0 }));
    expect(Date.parse(first.timestamp as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(ingests()[0]?.url.search).toBe('?sync=true');
    expect(ingests()[0]?.headers.get('content-type')).toBe('application/json');
    const keys = ingests().map((request) => request.headers.get('idempotency-key'));
    expect(new Set(keys).size).toBe(3);
    expectExactlyOnce(experiment, 250);
  });

  it('sends a partial batch after flushInterval without being asked', async () => {
    const metrics = client();
    const experiment = await newExperiment(metrics);
    const ingestor = metrics.ingestor(experiment, { flushInterval: 20, timestamps: false });
    ingestor.log('lr', 3e-4, { step: 1 });
    ingestor.log('lr', 2e-4, { step: 2 });
    // The timer sends it; on a loaded machine it may take longer than the interval to arrive.
    await vi.waitFor(() => expect(ingestor.report()).toMatchObject({ accepted: 2, pending: 0 }), { timeout: 30_000, interval: 20 });
    expect(await bodies()).toEqual([
      [
        { client_event_id: `${stableHash(experiment).slice(0, 8)}/lr/1`, name: 'lr', value: 3e-4, step: 1 },
        { client_event_id: `${stableHash(experiment).slice(0, 8)}/lr/2`, name: 'lr', value: 2e-4, step: 2 },
      ],
    ]);
    expect(ingestor.report()).toMatchObject({ accepted: 2, pending: 0 });
    await ingestor.close();
  });

  it('names one series whatever the metadata key order, and numbers step-less events', async () => {
    const metrics = client();
    const experiment = await newExperiment(metrics);
    const ingestor = metrics.ingestor(experiment, { runId: 'mamba-run-001', timestamps: false });
    ingestor.log('loss', 0.5, { step: 3, metadata: { split: 'eval', shard: 1 } });
    ingestor.log('loss', 0.5, { step: 3, metadata: { shard: 1, split: 'eval' } });
    ingestor.log('grad_norm', 1.5);
    ingestor.log('grad_norm', 1.25, { step: null, metadata: null });
    const report = await ingestor.close();
    expect(report).toMatchObject({ logged: 4, accepted: 3, duplicates: 1 });
    const [batch] = await bodies();
    // Step-less values are numbered within this ingestor's session, so another process never reuses them.
    const session = /^mamba-run-001\/grad_norm\/#([0-9a-f]{12})\.0$/.exec(batch?.[2]?.client_event_id as string)?.[1];
    expect(batch?.map((event) => event.client_event_id)).toEqual([
      `mamba-run-001/loss/3/${stableHash('{"shard":1,"split":"eval"}')}`,
      `mamba-run-001/loss/3/${stableHash('{"shard":1,"split":"eval"}')}`,
      `mamba-run-001/grad_norm/#${session}.0`,
      `mamba-run-001/grad_norm/#${session}.1`,
    ]);
    expect(batch?.[3]?.client_event_id).toBe(clientEventId('mamba-run-001', 'grad_norm', null, undefined, 1, session));
    expect(batch?.[2]).toMatchObject({ step: null, value: 1.5 });
  });

  it('writes valid JSON for names and metadata that need escaping', async () => {
    const metrics = client();
    const experiment = await newExperiment(metrics);
    const ingestor = metrics.ingestor(experiment, { runId: 'run "α"' });
    const name = 'loss/"ünï"\\\n';
    ingestor.log(name, -0.000001, { step: 9, metadata: { 'split "x"': 'trâin\u0001', big: 1e21, ok: false } });
    expect((await ingestor.close()).accepted).toBe(1);
    const [stored] = mock.state.events(experiment);
    expect(stored).toMatchObject({ name, value: -0.000001, step: 9, metadata: { 'split "x"': 'trâin\u0001', big: 1e21, ok: false } });
    expect(stored?.client_event_id).toBe(clientEventId('run "α"', name, 9, { ok: false, big: 1e21, 'split "x"': 'trâin\u0001' }));
  });

  it('keeps at most `concurrency` batches in flight, and sends queued batches without sync when asked', async () => {
    const experiment = await newExperiment();
    let inFlight = 0;
    let most = 0;
    server.use(
      http.post(INGEST, async ({ request }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const response = await getResponse(mock.handlers, request);
        inFlight--;
        return response;
      }),
    );
    const ingestor = client().ingestor(experiment, { batchSize: 10, concurrency: 3, sync: false });
    for (let step = 0; step < 100; step++) ingestor.log('loss', step, { step });
    expect(await ingestor.close()).toMatchObject({ accepted: 100, failed: 0 });
    expect(most).toBe(3);
    expect(new Set(ingests().map((request) => request.url.search))).toEqual(new Set(['?sync=false']));
  });

  it('refuses bad points synchronously, and any point after close', async () => {
    const ingestor = client().ingestor(mock.state.experiments.keys().next().value as string);
    expect(() => ingestor.log('loss', Number.NaN, { step: 1 })).toThrow(InvalidRequestError);
    expect(() => ingestor.log('loss', Number.POSITIVE_INFINITY)).toThrow(/value/);
    expect(() => ingestor.log('loss', 1, { step: -1 })).toThrow(/step/);
    expect(() => ingestor.log('loss', 1, { step: 1.5 })).toThrow(/step/);
    expect(() => ingestor.log('', 1)).toThrow(/name/);
    expect(() => ingestor.log('loss', 1, { metadata: { nested: {} as never } })).toThrow(/metadata\.nested/);
    expect(ingestor.report().logged).toBe(0);
    await ingestor.close();
    expect(() => ingestor.log('loss', 1)).toThrow(MetricsApiError);
    expect(ingests()).toHaveLength(0);
  });

  it('reports duplicates across a restart and rejections with their reason', async () => {
    const experiment = await newExperiment();
    const before = client().ingestor(experiment, { runId: 'job-7' });
    for (let step = 0; step < 100; step++) before.log('loss', step, { step });
    expect((await before.close()).accepted).toBe(100);
    // A restarted job re-logs from step 50 (one value differs: it is refused, not overwritten).
    const after = client().ingestor(experiment, { runId: 'job-7' });
    for (let step = 50; step < 150; step++) after.log('loss', step === 60 ? -1 : step, { step });
    const report = await after.close();
    expect(report).toMatchObject({ logged: 100, accepted: 50, duplicates: 49, failed: 1 });
    expect(report.failures).toEqual([
      { reason: 'client_event_id was already used for a different event', events: 1, client_event_ids: ['job-7/loss/60'] },
    ]);
    expectExactlyOnce(experiment, 150);
    expect(mock.state.events(experiment).find((event) => event.step === 60)?.value).toBe(60);
  });

  it('delivers every event exactly once through 5xx, 429, resets and answers lost after commit', async () => {
    const experiment = await newExperiment();
    let attempt = 0;
    const faults: string[] = [];
    server.use(
      http.post(INGEST, async ({ request }) => {
        attempt++;
        const fault = ['503', 'reset', '429', undefined, 'commit-then-502', undefined, 'commit-then-reset', undefined][attempt % 8];
        if (!fault || attempt > 24) return undefined;
        faults.push(fault);
        if (fault.startsWith('commit')) await getResponse(mock.handlers, request.clone());
        if (fault.endsWith('reset')) return HttpResponse.error();
        const status = Number(fault.replace('commit-then-', ''));
        return HttpResponse.json({ error: { code: 'unavailable', message: 'overloaded' } }, { status, headers: { 'retry-after-ms': '0' } });
      }),
    );
    const ingestor = client().ingestor(experiment, { batchSize: 250, concurrency: 3 });
    for (let step = 0; step < 2_000; step++) {
      ingestor.log('loss', Math.exp(-step / 500), { step, metadata: { split: 'train' } });
      if (step % 5 === 0) ingestor.log('loss', Math.exp(-step / 500) + 0.1, { step, metadata: { split: 'eval' } });
    }
    const report = await ingestor.close();
    expect(new Set(faults)).toEqual(new Set(['503', 'reset', '429', 'commit-then-502', 'commit-then-reset']));
    expect(report).toMatchObject({ logged: 2_400, sent: 2_400, accepted: 2_400, duplicates: 0, failed: 0, pending: 0 });
    expectExactlyOnce(experiment, 2_400);
    // A retry after a lost answer replayed the first answer (same Idempotency-Key), not a second write.
    const keys = ingests().map((request) => request.headers.get('idempotency-key'));
    expect(keys.length).toBeGreaterThan(new Set(keys).size);
    expect(new Set(keys).size).toBe(10);
  });

  it('re-mints the ingestion key when it is revoked mid-run and loses nothing', async () => {
    const experiment = await newExperiment();
    const ingestor = client().ingestor(experiment, { batchSize: 100, concurrency: 2 });
    for (let step = 0; step < 300; step++) ingestor.log('loss', step, { step });
    await ingestor.flush();
    mock.state.revokeIngestionKeys();
    for (let step = 300; step < 600; step++) ingestor.log('loss', step, { step });
    const report = await ingestor.close();
    expect(report).toMatchObject({ accepted: 600, failed: 0 });
    expectExactlyOnce(experiment, 600);
    const minted = [...mock.state.ingestionKeys.values()].filter((key) => key.key.experiment_id === experiment);
    expect(minted).toHaveLength(2);
    expect(ingests().filter((request) => request.headers.get('authorization') === `Bearer ${minted[0]?.secret}`).length).toBeGreaterThan(3);
  });

  it('reports batches that fail for good, with the reason', async () => {
    const ingestor = client().ingestor('00000000-0000-4000-a000-000000000000', { batchSize: 10 });
    for (let step = 0; step < 25; step++) ingestor.log('loss', step, { step });
    const report = await ingestor.close();
    expect(report).toMatchObject({ logged: 25, sent: 25, accepted: 0, failed: 25, pending: 0 });
    expect(report.failures).toEqual([
      { reason: '404 No experiment 00000000-0000-4000-a000-000000000000.', events: 25, client_event_ids: [] },
    ]);
  });

  it('applies backpressure: saturated and drain() past highWaterMark, a typed error (or drops) at maxBufferedEvents', async () => {
    const experiment = await newExperiment();
    const { handler, release } = holdRequests(INGEST);
    server.use(handler);
    const ingestor = client().ingestor(experiment, { batchSize: 50, concurrency: 1, highWaterMark: 100, maxBufferedEvents: 200 });
    for (let step = 0; step < 150; step++) ingestor.log('loss', step, { step });
    expect(ingestor.saturated).toBe(true);
    let drained = false;
    const draining = ingestor.drain().then(() => {
      drained = true;
    });
    for (let step = 150; step < 200; step++) ingestor.log('loss', step, { step });
    expect(() => ingestor.log('loss', 200, { step: 200 })).toThrow(MetricsIngestorFullError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drained).toBe(false);
    release();
    await draining;
    expect(ingestor.report().pending).toBeLessThanOrEqual(50);
    expect((await ingestor.close()).accepted).toBe(200);
    expectExactlyOnce(experiment, 200);

    const dropping = client().ingestor(experiment, { maxBufferedEvents: 10, onOverflow: 'drop', runId: 'drop' });
    for (let step = 0; step < 15; step++) dropping.log('loss', step, { step });
    expect(await dropping.close()).toMatchObject({ logged: 10, accepted: 10, dropped: 5 });
  });

  it('flush waits for what was logged before it; close is idempotent and disposable', async () => {
    const experiment = await newExperiment();
    const ingestor = client().ingestor(experiment, { batchSize: 7 });
    for (let step = 0; step < 20; step++) ingestor.log('acc', step / 20, { step });
    const flushed = await ingestor.flush();
    expect(flushed).toMatchObject({ logged: 20, accepted: 20, pending: 0 });
    expect(mock.state.events(experiment)).toHaveLength(20);
    ingestor.log('acc', 1, { step: 20 });
    const closing = ingestor.close();
    expect(ingestor.close()).toBe(closing);
    expect((await closing).accepted).toBe(21);
    {
      await using scoped = client().ingestor(experiment, { runId: 'scoped' });
      scoped.log('acc', 0.5, { step: 1 });
    }
    expect(mock.state.events(experiment)).toHaveLength(22);
  });
});
