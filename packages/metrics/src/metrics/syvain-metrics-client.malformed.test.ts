// Malformed server answers (issue 8, "Bad input"): whatever a broken server or a proxy in front of
// it answers, a call fails with `ResponseValidationError` (a `MetricsApiResponseError`) for a 2xx
// or an `APIError` with the status (a `MetricsApiRequestError`), never a TypeError from inside the
// client, and no key in what the error shows; the ingestor counts such batches as failed.
import { inspect } from 'node:util';
import { APIError, createTransport, ResponseValidationError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { paths } from '../generated/metrics.js';
import { service } from '../generated/metrics-service.js';
import { createMetricsMock } from '../mocks/metrics.js';
import { ComparisonMetricSeries } from './comparison-metric-series.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';
import { MetricsApiRequestError, MetricsApiResponseError } from './syvain-metrics-errors.js';

const BASE = 'https://metrics.syvain.com';
const KEY = 'ak_org_trainwire_test';
let mock = createMetricsMock();
const { server } = useMockServer(() => {
  mock = createMetricsMock({ seed: 11 });
  return mock.handlers;
});
const client = () => new SyvainMetricsApiClient(KEY, { logLevel: 'off', maxRetries: 0 });
const experimentId = () => [...mock.state.experiments.keys()][1] as string;
const folderId = () => [...mock.state.folders.keys()][0] as string;
/** Every key the mock knows: the org key and the ingestion secrets it minted. */
const secrets = () => [KEY, ...mock.state.ingestionKeys.keys()];

/** One operation under test: the route to break, the status of its success, and bodies that break its schema. */
interface Operation {
  name: string;
  method: 'get' | 'post';
  route: () => string;
  status: number;
  wrongTypes: unknown;
  missingFields: unknown;
  call: (metrics: SyvainMetricsApiClient) => Promise<unknown>;
}

const operations: Operation[] = [
  {
    name: 'getFolder (GET)',
    method: 'get',
    route: () => `${BASE}/api/v1/folders/${folderId()}`,
    status: 200,
    wrongTypes: { folder: { ...{ id: 42, name: ['research'], parent_id: null, path: 'research' } } },
    missingFields: { folder: { name: 'research' } },
    call: (metrics) => metrics.getFolder(folderId()),
  },
  {
    name: 'createExperiment (POST)',
    method: 'post',
    route: () => `${BASE}/api/v1/experiments`,
    status: 201,
    wrongTypes: { experiment: 'mamba-run-009' },
    missingFields: {},
    call: (metrics) => metrics.createExperiment('mamba-run-009'),
  },
  {
    name: 'listExperiments (paged, for await)',
    method: 'get',
    route: () => `${BASE}/api/v1/experiments`,
    status: 200,
    wrongTypes: { experiments: { id: 'not-a-list' }, next_cursor: 7 },
    missingFields: { experiments: [] },
    call: async (metrics) => {
      const seen: unknown[] = [];
      for await (const experiment of metrics.listExperiments({ limit: 2 })) seen.push(experiment);
      return seen;
    },
  },
  {
    name: 'compareMetrics',
    method: 'post',
    route: () => `${BASE}/api/v1/metrics/compare`,
    status: 200,
    wrongTypes: { rows: [{ experiment_id: experimentId(), metric_name: 'loss', step: 'one', value: 'low' }] },
    missingFields: { series: [] },
    call: (metrics) => metrics.compareMetrics([ComparisonMetricSeries({ experiment_id: experimentId(), metric_name: 'loss' })]),
  },
  {
    name: 'ingestMetrics',
    method: 'post',
    route: () => `${BASE}/api/v1/experiments/${experimentId()}/metrics/ingest`,
    status: 200,
    wrongTypes: { accepted: '1', duplicates: null, rejected: {} },
    missingFields: { accepted: 1 },
    call: (metrics) =>
      metrics.ingestMetrics(experimentId(), [{ client_event_id: 'malformed/loss/0', name: 'loss', value: 0.5, step: 0 }], { sync: true }),
  },
  {
    name: 'createIngestionKey (the mint)',
    method: 'post',
    route: () => `${BASE}/api/v1/experiments/${experimentId()}/ingestion-keys`,
    status: 201,
    wrongTypes: { ingestion_key: { id: 7, experiment_id: experimentId() }, secret: 12345 },
    missingFields: { ingestion_key: { id: 'key_1' } },
    call: (metrics) => metrics.createIngestionKey(experimentId()),
  },
  {
    name: 'ingestMetrics when its implicit mint is answered badly',
    method: 'post',
    route: () => `${BASE}/api/v1/experiments/${experimentId()}/ingestion-keys`,
    status: 201,
    wrongTypes: { ingestion_key: 'key_1', secret: ['ik_secret'] },
    missingFields: { secret: 'ik_live_secret_but_no_key_record' },
    call: (metrics) =>
      metrics.ingestMetrics(experimentId(), [{ client_event_id: 'malformed/loss/1', name: 'loss', value: 0.5, step: 1 }], { sync: true }),
  },
];

const json = (status: number, body: unknown) => HttpResponse.json(body as never, { status });
const HTML_502 =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** The malformed answers, each with what the client must throw for it. */
const answers: { name: string; expected: 'validation' | 502; answer: (operation: Operation, request: Request) => Promise<Response> }[] = [
  {
    name: 'invalid JSON',
    expected: 'validation',
    answer: async (operation) =>
      new HttpResponse('{"experiment": {"id": "0b6', { status: operation.status, headers: { 'Content-Type': 'application/json' } }),
  },
  { name: 'wrong types', expected: 'validation', answer: async (operation) => json(operation.status, operation.wrongTypes) },
  { name: 'missing fields', expected: 'validation', answer: async (operation) => json(operation.status, operation.missingFields) },
  {
    name: 'a huge body',
    expected: 'validation',
    answer: async (operation) => json(operation.status, { padding: 'x'.repeat(4_000_000), ...(operation.wrongTypes as object) }),
  },
  {
    name: 'the real answer with a wrong content type',
    expected: 'validation',
    answer: async (operation, request) => {
      const real = await getResponse(mock.handlers, request);
      if (!real?.ok) throw new Error(`the mock refused ${operation.name}: ${real?.status}`);
      return new HttpResponse(await real.text(), { status: real.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    },
  },
  {
    name: 'an HTML 502 page from a proxy',
    expected: 502,
    answer: async () => new HttpResponse(HTML_502, { status: 502, headers: { 'Content-Type': 'text/html' } }),
  },
  { name: 'an empty 2xx', expected: 'validation', answer: async (operation) => new HttpResponse(null, { status: operation.status }) },
];

/** The error `call` rejects with (a synchronous throw or a resolved value fails the test). */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function expectNoSecret(error: unknown): void {
  const shown = [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
  for (const secret of secrets()) expect(shown).not.toContain(secret);
}

function expectTyped(error: unknown, expected: 'validation' | 502): void {
  if (expected === 'validation') {
    expect(error, String(error)).toBeInstanceOf(ResponseValidationError);
    expect(error).toBeInstanceOf(MetricsApiResponseError);
    expect((error as ResponseValidationError).status).toBeGreaterThanOrEqual(200);
    expect((error as ResponseValidationError).status).toBeLessThan(300);
  } else {
    expect(error, String(error)).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    expect((error as APIError).status).toBe(expected);
  }
  // A huge body is not copied into the message.
  expect((error as Error).message.length).toBeLessThan(1_000);
  expectNoSecret(error);
}

describe('SyvainMetricsApiClient given malformed answers', () => {
  for (const operation of operations) {
    for (const { name, expected, answer } of answers) {
      it(`${operation.name}: ${name} → ${expected === 'validation' ? 'ResponseValidationError' : `APIError ${expected}`}`, async () => {
        server.use(http[operation.method](operation.route(), ({ request }) => answer(operation, request)));
        expectTyped(await failure(() => operation.call(client())), expected);
      });
    }
  }

  it('a 2xx with a wrong content type says so', async () => {
    server.use(http.get(`${BASE}/api/v1/auth/status`, () => new HttpResponse('{"ok":true}', { headers: { 'Content-Type': 'text/html' } })));
    const error = await failure(() => client().authStatus());
    expect(error).toBeInstanceOf(MetricsApiResponseError);
    expect((error as Error).message).toMatch(/content-type text\/html/);
  });

  it('a malformed second page fails the for-await loop after the first page, typed', async () => {
    const seen: unknown[] = [];
    server.use(
      http.get(`${BASE}/api/v1/experiments`, ({ request }) =>
        new URL(request.url).searchParams.has('cursor') ? json(200, { experiments: [{ id: 1 }], next_cursor: null }) : undefined,
      ),
    );
    const error = await failure(async () => {
      for await (const experiment of client().listExperiments({ limit: 2 })) seen.push(experiment);
    });
    expect(seen).toHaveLength(2);
    expectTyped(error, 'validation');
  });
});

describe('MetricsIngestor given malformed answers', () => {
  for (const { name, answer } of answers) {
    it(`${name}: every event of the batch is counted as failed with a reason, and log() never throws`, async () => {
      const ingest = operations.find((operation) => operation.name === 'ingestMetrics') as Operation;
      server.use(http.post(ingest.route(), ({ request }) => answer(ingest, request)));
      const ingestor = client().ingestor(experimentId(), { maxRetries: 0, batchSize: 2, flushInterval: 10_000 });
      for (let step = 0; step < 5; step++) ingestor.log('loss', 1 / (step + 1), { step, metadata: { split: 'train' } });
      const report = await ingestor.close();
      expect(report).toMatchObject({ logged: 5, sent: 5, accepted: 0, duplicates: 0, failed: 5, pending: 0 });
      expect(report.failures.reduce((sum, failure) => sum + failure.events, 0)).toBe(5);
      for (const failure of report.failures) {
        expect(failure.reason).toMatch(/does not match the spec|502|Bad Gateway/);
        for (const secret of secrets()) expect(failure.reason).not.toContain(secret);
      }
    });
  }

  it('an answer that accounts for more events than were sent does not inflate the counts', async () => {
    const route = `${BASE}/api/v1/experiments/${experimentId()}/metrics/ingest`;
    server.use(http.post(route, () => json(200, { accepted: 50, duplicates: 7, rejected: [] })));
    const ingestor = client().ingestor(experimentId(), { maxRetries: 0 });
    for (let step = 0; step < 3; step++) ingestor.log('loss', step, { step });
    const report = await ingestor.close();
    expect(report.logged).toBe(3);
    expect(report.accepted + report.duplicates + report.failed + report.pending).toBe(report.logged);
  });

  it('a batch whose mint is answered badly is failed too, and the next batch mints again', async () => {
    const mint = `${BASE}/api/v1/experiments/${experimentId()}/ingestion-keys`;
    let broken = true;
    server.use(http.post(mint, () => (broken ? json(201, { secret: 5 }) : undefined)));
    const ingestor = client().ingestor(experimentId(), { maxRetries: 0 });
    ingestor.log('loss', 1, { step: 0 });
    const first = await ingestor.flush();
    expect(first).toMatchObject({ failed: 1, accepted: 0, pending: 0 });
    broken = false;
    ingestor.log('loss', 2, { step: 1 });
    expect(await ingestor.close()).toMatchObject({ logged: 2, failed: 1, accepted: 1, pending: 0 });
  });
});

describe('MetricsIngestor with response validation off', () => {
  it('fails a batch whose answer has no usable counts instead of throwing inside the ingestor', async () => {
    const route = `${BASE}/api/v1/experiments/${experimentId()}/metrics/ingest`;
    server.use(http.post(route, () => json(200, { accepted: 'all of them', rejected: null })));
    const metrics = new SyvainMetricsApiClient(KEY, { logLevel: 'off', maxRetries: 0, validateResponses: false });
    const ingestor = metrics.ingestor(experimentId());
    ingestor.log('loss', 1, { step: 0 });
    ingestor.log('loss', 2, { step: 1 });
    const report = await ingestor.close();
    expect(report).toMatchObject({ logged: 2, accepted: 0, failed: 2, pending: 0 });
    expect(report.failures).toEqual([
      { reason: 'the server answered without the counts of what it stored', events: 2, client_event_ids: [] },
    ]);
  });
});

describe('core', () => {
  // An empty 2xx to an operation that declares a JSON body must not resolve with `undefined`.
  it('an empty 2xx answer to an operation that declares a JSON body is a ResponseValidationError', async () => {
    server.use(http.get(`${BASE}/api/v1/auth/status`, () => new HttpResponse(null, { status: 200 })));
    const transport = createTransport<paths>({ definition: service, baseURL: BASE, apiKey: KEY, logLevel: 'off' });
    await expect(transport.request('get', '/api/v1/auth/status', {})).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
