import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, PermissionDeniedError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetricsMock } from '../mocks/metrics.js';
import { holdRequests } from '../test-support/hold-requests.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';
import { MetricsApiError } from './syvain-metrics-errors.js';

const BASE = 'https://metrics.syvain.com';
const INGEST = `${BASE}/api/v1/experiments/:id/metrics/ingest`;
let mock = createMetricsMock();
const { server, requests } = useMockServer(() => {
  mock = createMetricsMock({ seed: 8, experiments: 0 });
  return mock.handlers;
});
const warnings: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => warnings.push(message),
  error: (message) => warnings.push(message),
};
const client = () => new SyvainMetricsApiClient('ak_org_trainwire_test', { logger, logLevel: 'warn' });
const newExperiment = async () => (await client().createExperiment(`spool-${Math.random().toString(36).slice(2)}`)).experiment.id;
const ids = (experiment: string) => mock.state.events(experiment).map((event) => event.client_event_id);
const ingestBodies = () => requests.filter((request) => request.url.pathname.endsWith('/metrics/ingest'));

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainwire-ingest-spool-'));
  warnings.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the ingestor with a spool', () => {
  it('loses nothing to an unreachable server: what it could not send is sent once by syncSpool()', async () => {
    const experiment = await newExperiment();
    server.use(
      http.post(INGEST, () =>
        HttpResponse.json({ error: { code: 'unavailable', message: 'down' } }, { status: 503, headers: { 'retry-after-ms': '0' } }),
      ),
    );
    const ingestor = client().ingestor(experiment, { spool: { dir }, batchSize: 100, maxRetries: 1 });
    for (let step = 0; step < 250; step++) ingestor.log('loss', step / 250, { step, metadata: { split: 'train' } });
    const report = await ingestor.close();
    expect(report).toMatchObject({ logged: 250, accepted: 0, failed: 250, inSpool: 250, pending: 0 });
    const [file] = await readdir(join(dir, experiment));
    expect((await readFile(join(dir, experiment, file as string), 'utf8')).match(/"batch":/g)).toHaveLength(3);
    expect(ids(experiment)).toEqual([]);

    server.resetHandlers();
    const synced = await client().syncSpool(experiment, { dir });
    expect(synced).toMatchObject({ logged: 0, recovered: 250, accepted: 250, duplicates: 0, failed: 0, inSpool: 0, pending: 0 });
    expect(new Set(ids(experiment)).size).toBe(250);
    expect(ids(experiment)).toHaveLength(250);
    // Acknowledged now: a second sync sends nothing, and the spool is gone.
    const before = ingestBodies().length;
    expect(await client().syncSpool(experiment, { dir })).toMatchObject({ recovered: 0, accepted: 0 });
    expect(ingestBodies().length).toBe(before);
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not keep a batch the server refused for good (re-sending cannot fix it)', async () => {
    const experiment = await newExperiment();
    server.use(
      http.post(INGEST, () => HttpResponse.json({ error: { code: 'invalid_request', message: 'no' } }, { status: 400 }), { once: true }),
    );
    const ingestor = client().ingestor(experiment, { spool: { dir }, batchSize: 10, concurrency: 1 });
    for (let step = 0; step < 20; step++) ingestor.log('loss', step, { step });
    expect(await ingestor.close()).toMatchObject({ accepted: 10, failed: 10, inSpool: 0 });
    expect(await client().syncSpool(experiment, { dir })).toMatchObject({ recovered: 0 });
  });

  it('checkpoint() resolves once the points are on disk, without waiting for the server', async () => {
    const experiment = await newExperiment();
    const { handler, release } = holdRequests(INGEST);
    server.use(handler);
    const ingestor = client().ingestor(experiment, { spool: { dir }, batchSize: 1_000 });
    for (let step = 0; step < 1_500; step++) ingestor.log('loss', step, { step });
    const report = await ingestor.checkpoint();
    expect(report).toMatchObject({ logged: 1_500, accepted: 0, pending: 1_500 });
    const [file] = await readdir(join(dir, experiment));
    const written = await readFile(join(dir, experiment, file as string), 'utf8');
    expect(written.match(/"client_event_id"/g)).toHaveLength(1_500);
    release();
    expect(await ingestor.close()).toMatchObject({ accepted: 1_500, pending: 0 });
  });

  it('resumes step-less series where the last run left them: from the spool, else from the server', async () => {
    const experiment = await newExperiment();
    const run = async (options: object, count: number) => {
      const ingestor = client().ingestor(experiment, { runId: 'job-9', ...options });
      for (let index = 0; index < count; index++) ingestor.log('gpu_util', index, { metadata: index % 2 === 0 ? null : { gpu: 1 } });
      return ingestor.close();
    };
    expect(await run({ resume: true, spool: { dir } }, 100)).toMatchObject({ accepted: 100, failed: 0 });
    // The server knows nothing of the spool's counters: the spool alone says where to go on.
    server.use(http.get(`${BASE}/api/v1/experiments/:id/metrics`, () => HttpResponse.json({ error: {} }, { status: 500 })));
    expect(await run({ resume: true, spool: { dir } }, 60)).toMatchObject({ accepted: 60, failed: 0 });
    server.resetHandlers();
    expect(await run({ resume: true }, 40)).toMatchObject({ accepted: 40, failed: 0 });
    expect(await run({}, 30)).toMatchObject({ accepted: 30, failed: 0 });
    const stored = ids(experiment);
    expect(stored).toHaveLength(230);
    const plain = stored.filter((id) => /^job-9\/gpu_util\/#\d+$/.test(id)).map((id) => Number(id.split('#')[1]));
    expect(plain.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, index) => index));
    expect(stored.filter((id) => /^job-9\/gpu_util\/#[0-9a-f]{12}\.\d+/.test(id))).toHaveLength(30);
    expect(warnings).toEqual([]);
  });

  it('numbers a resumed series in a session of its own when where it left off cannot be found, and says so', async () => {
    const experiment = await newExperiment();
    server.use(
      http.get(`${BASE}/api/v1/experiments/:id/metrics`, () =>
        HttpResponse.json({ error: { code: 'forbidden', message: 'no' } }, { status: 403 }),
      ),
    );
    const ingestor = client().ingestor(experiment, { runId: 'job-3', resume: true });
    ingestor.log('gpu_util', 0.5);
    expect(await ingestor.close()).toMatchObject({ accepted: 1 });
    expect(ids(experiment)[0]).toMatch(/^job-3\/gpu_util\/#[0-9a-f]{12}\.0$/);
    expect(warnings).toEqual([expect.stringMatching(/^Syvain Metrics: could not find where step-less series "gpu_util" left off \(/)]);
  });

  it('sends without the spool (and says why) when its folder is unsafe; syncSpool() refuses with a typed error', async () => {
    const experiment = await newExperiment();
    await chmod(dir, 0o777);
    const ingestor = client().ingestor(experiment, { spool: { dir } });
    ingestor.log('loss', 1, { step: 1 });
    expect(await ingestor.close()).toMatchObject({ accepted: 1 });
    expect(warnings).toEqual([expect.stringContaining(`can be written by other users (mode 777)`)]);
    const refused = await client()
      .syncSpool(experiment, { dir })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MetricsApiError);
    expect((refused as Error).message).toMatch(/^The spool of experiment .* cannot be opened: .* can be written by other users/);
    expect(refused).not.toBeInstanceOf(PermissionDeniedError);
  });

  it('refuses a spool option of the wrong kind before anything is sent', () => {
    expect(() => client().ingestor('e', { spool: 'yes' as never })).toThrow(/spool/);
    expect(() => client().ingestor('e', { spool: { dir: 3 as never } })).toThrow(/spool/);
    expect(() => client().ingestor('e', { exitTimeout: -1 })).toThrow(/exitTimeout/);
    expect(ingestBodies()).toHaveLength(0);
  });
});
