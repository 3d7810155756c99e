// Bad input for SyvainMetricsApiClient and its ingestor (issue 8, "Bad input"): path parameters
// stay one encoded segment, header values with CR/LF are refused, plain http to another host is
// refused, and, property-based, any argument to any public method is either sent as the spec
// allows (the spec guard in front of the mock checks every request) or refused with a typed error.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InvalidRequestError, NotFoundError } from '@trainwire/core';
import { type SpecGuard, specGuard, useMockServer } from '@trainwire/testing';
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetricsMock, metricsService } from '../mocks/metrics.js';
import {
  expectTypedOutcome,
  hostileMetadata,
  hostileNumber,
  hostileParams,
  hostileString,
  hostileValue,
  maybe,
  NASTY,
  outcome,
} from '../test-support/hostile-input.js';
import { ComparisonMetricSeries } from './comparison-metric-series.js';
import { MetricsIngestorFullError } from './metrics-ingestor.js';
import { SyvainMetricsApiClient, type SyvainMetricsClientOptions } from './syvain-metrics-client.js';
import { MetricsApiError } from './syvain-metrics-errors.js';

const BASE = 'https://metrics.syvain.com';
const KEY = 'ak_org_trainwire_test';
const seeded = createMetricsMock({ seed: 13 }).state;
const experimentIds = [...seeded.experiments.keys()];
const folderIds = [...seeded.folders.keys()];
const EXPERIMENT = experimentIds[0] as string;

let mock = createMetricsMock();
let guard: SpecGuard;
const { server, requests } = useMockServer(() => {
  mock = createMetricsMock({ seed: 13 });
  guard = specGuard(metricsService, BASE);
  return [guard, ...mock.handlers];
});
const client = (options: ConstructorParameters<typeof SyvainMetricsApiClient>[1] = {}) =>
  new SyvainMetricsApiClient(KEY, { logLevel: 'off', maxRetries: 0, ...options });
const pathsSent = () => requests.map((request) => `${request.method} ${request.url.pathname}`);

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Ids that would address another route if they were not one encoded segment. */
const ODD_IDS = ['a/b', '../folders', 'x?y=1', 'x#frag', '100%', '%2F', 'ünï/cødé', 'name:v3', '..%2F..', ' ', 'a\\b'];

describe('path parameters reach the server as one encoded segment', () => {
  it.each(ODD_IDS)('experiment id %j', async (id) => {
    const error = await failure(() => client().getExperiment(id));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(pathsSent()).toEqual([`GET /api/v1/experiments/${encodeURIComponent(id)}`]);
    expect(guard.violations).toEqual([]);
  });

  it.each(ODD_IDS)('folder id %j', async (id) => {
    await expect(client().getFolder(id)).rejects.toBeInstanceOf(NotFoundError);
    expect(pathsSent()).toEqual([`GET /api/v1/folders/${encodeURIComponent(id)}`]);
  });

  it.each(ODD_IDS)('metric name %j in the catalog values route', async (name) => {
    const metrics = client();
    const result = await outcome(() => metrics.inspectMetricCatalogValues(EXPERIMENT, name, 'split'));
    expect(pathsSent()).toEqual([`GET /api/v1/experiments/${EXPERIMENT}/metric-catalog/${encodeURIComponent(name)}/values`]);
    if (result.kind !== 'value') expect(result.error).toBeInstanceOf(NotFoundError);
    expect(guard.violations).toEqual([]);
  });

  it('a metric name with a slash reaches the right metric', async () => {
    const metrics = client();
    const ingestor = metrics.ingestor(EXPERIMENT);
    ingestor.log('eval/loss', 0.25, { step: 1, metadata: { split: 'a/b?c#d' } });
    expect(await ingestor.close()).toMatchObject({ accepted: 1, failed: 0 });
    const values = await metrics.inspectMetricCatalogValues(EXPERIMENT, 'eval/loss', 'split');
    expect(JSON.stringify(values)).toContain('a/b?c#d');
  });

  it.each(ODD_IDS)('ingestion key id %j when revoking', async (keyId) => {
    const error = await failure(() => client().revokeIngestionKey(EXPERIMENT, keyId));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(pathsSent()).toEqual([`DELETE /api/v1/experiments/${EXPERIMENT}/ingestion-keys/${encodeURIComponent(keyId)}`]);
  });

  it('an ingestor of an odd experiment id mints and sends under that one segment, and counts the batch as failed', async () => {
    const ingestor = client().ingestor('a/../b?c');
    ingestor.log('loss', 1, { step: 0 });
    const report = await ingestor.close();
    expect(report).toMatchObject({ logged: 1, failed: 1, pending: 0 });
    expect(pathsSent()).toEqual(['POST /api/v1/experiments/a%2F..%2Fb%3Fc/ingestion-keys']);
  });

  it.each(['.', '..'])('%j is refused before sending, naming the parameter', async (id) => {
    const metrics = client();
    for (const call of [
      () => metrics.getExperiment(id),
      () => metrics.getFolder(id),
      () => metrics.inspectMetricCatalogValues(EXPERIMENT, id, 'split'),
      () => metrics.revokeIngestionKey(EXPERIMENT, id),
      () => metrics.ingestMetrics(id, [{ client_event_id: 'x', name: 'loss', value: 1 }]),
      () => metrics.listMetrics(id).then(() => undefined),
    ]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toBeInstanceOf(MetricsApiError);
      expect((error as InvalidRequestError).field).toMatch(/^path\.(experiment_id|folder_id|metric_name|key_id)$/);
    }
    expect(requests).toEqual([]);
  });

  it('an empty id is refused before sending', async () => {
    await expect(client().getExperiment('')).rejects.toThrow(InvalidRequestError);
    await expect(client().inspectMetricCatalogValues(EXPERIMENT, '', 'split')).rejects.toThrow(/path\.metric_name/);
    expect(requests).toEqual([]);
  });

  // `encodeURIComponent` throws a `URIError` for a lone surrogate: it must not become a retried
  // `APIConnectionError`.
  it('a lone surrogate in an id is refused with InvalidRequestError naming it', async () => {
    const error = await failure(() => client().getExperiment('run-\uD800'));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toMatch(/^path\./);
    expect(requests).toEqual([]);
  });
});

describe('header values with CR or LF are refused', () => {
  const INJECTED = ['x\r\nX-Injected: 1', 'x\nX-Injected: 1', 'x\rX-Injected: 1', 'x\u0000y'];

  it.each(INJECTED)('in a default header %j, at construction', (value) => {
    expect(() => client({ headers: { 'X-Trace': value } })).toThrow(InvalidRequestError);
  });

  it.each(INJECTED)('in the API key %j, at construction and without echoing it', (value) => {
    const key = `ak_org_secret_${value}`;
    let thrown: unknown;
    try {
      new SyvainMetricsApiClient(key, { logLevel: 'off' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect(String(thrown)).not.toContain('ak_org_secret_');
  });

  it.each(INJECTED)('in a per-call header or idempotency key %j, before sending', async (value) => {
    const metrics = client();
    await expect(metrics.authStatus({ headers: { 'X-Trace': value } })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(metrics.createFolder('runs', {}, { idempotencyKey: value })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      metrics.ingestMetrics(EXPERIMENT, [{ client_event_id: 'a', name: 'loss', value: 1 }], {}, { headers: { 'X-Trace': value } }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(requests.filter((request) => !request.url.pathname.endsWith('/ingestion-keys'))).toEqual([]);
  });

  it('an ingestion secret with CR/LF from the server is refused as a header, without leaking it', async () => {
    const secret = 'ik_live_evil\r\nX-Injected: 1';
    server.use(
      http.post(`${BASE}/api/v1/experiments/${EXPERIMENT}/ingestion-keys`, () =>
        HttpResponse.json(
          {
            ingestion_key: {
              id: 'key_evil',
              experiment_id: EXPERIMENT,
              name: null,
              created_at: '2026-01-01T00:00:00Z',
              expires_at: null,
              revoked_at: null,
              last_used_at: null,
            },
            secret,
          },
          { status: 201 },
        ),
      ),
    );
    const result = await outcome(() => client().ingestMetrics(EXPERIMENT, [{ client_event_id: 'a', name: 'loss', value: 1 }]));
    expect(result.kind).toBe('rejected');
    const error = (result as { error: unknown }).error;
    expect(error, String(error)).toSatisfy((value) => value instanceof InvalidRequestError || value instanceof MetricsApiError);
    expect(String(error)).not.toContain('ik_live_evil');
    expect(requests.some((request) => request.url.pathname.endsWith('/metrics/ingest'))).toBe(false);
  });
});

describe('TLS and local auth', () => {
  it('refuses plain http to a non-loopback host unless allowInsecureHTTP', async () => {
    for (const host of ['http://metrics.syvain.com', 'http://10.0.0.7:8080', 'http://metrics.internal.test']) {
      expect(() => client({ host })).toThrow(ConfigError);
      expect(() => client({ host })).toThrow(/plain http/);
      expect(() => client({ host, allowInsecureHTTP: true })).not.toThrow();
    }
    for (const host of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080'])
      expect(() => client({ host })).not.toThrow();
  });

  const folder = mkdtemp(join(tmpdir(), 'syvain-bad-auth-'));
  afterAll(async () => rm(await folder, { recursive: true, force: true }));

  it('refuses an auth file whose base_url is plain http to another host, on the first call, and says so', async () => {
    const file = join(await folder, 'insecure.json');
    await writeFile(file, JSON.stringify({ api_key: KEY, base_url: 'http://metrics.syvain.com' }), { mode: 0o600 });
    await chmod(file, 0o600);
    const error = await failure(() => new SyvainMetricsApiClient('local', { authFile: file, logLevel: 'off' }).authStatus());
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/plain http/);
    expect(String(error)).not.toContain(KEY);
    expect(requests).toEqual([]);
  });

  it.each([0o640, 0o604, 0o660, 0o666])('refuses an auth file with mode %o and says chmod 600', async (mode) => {
    const file = join(await folder, `mode-${mode.toString(8)}.json`);
    await writeFile(file, JSON.stringify({ api_key: KEY }));
    await chmod(file, mode);
    const error = await failure(() => new SyvainMetricsApiClient('local', { authFile: file, logLevel: 'off' }).authStatus());
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain(`chmod 600 ${file}`);
    expect(String(error)).not.toContain(KEY);
    expect(requests).toEqual([]);
  });
});

// Property-based: every public method with arbitrary arguments.

const experimentId = fc.oneof(fc.constantFrom(...experimentIds), hostileString);
const folderId = fc.oneof(fc.constantFrom(...folderIds), hostileString);
const nullableFolderId = fc.oneof(fc.constant(null), folderId);
const status = fc.constantFrom('created', 'running', 'completed', 'failed', 'cancelled');
const limit = fc.integer({ min: 1, max: 500 });
const name = fc.oneof(fc.constantFrom('loss', 'accuracy'), hostileString);
const slug = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/), hostileString);
const pageOptions = hostileParams({ maxItems: fc.integer({ min: 1, max: 5 }), maxPages: fc.integer({ min: 1, max: 2 }) });
const metricEvent = hostileParams({
  client_event_id: hostileString,
  name,
  value: hostileNumber,
  step: fc.oneof(fc.constant(null), fc.nat(), hostileNumber),
  metadata: hostileMetadata,
  timestamp: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), hostileString),
});
const series = hostileParams({
  experiment_id: experimentId,
  metric_name: name,
  metadata_key: fc.constantFrom('split'),
  metadata_value: fc.constantFrom('train', 'eval'),
});

type Call = (metrics: SyvainMetricsApiClient, ...args: never[]) => unknown;
interface Method {
  name: string;
  args: fc.Arbitrary<unknown[]>;
  call: Call;
  synchronous?: boolean;
}
const args = (...items: fc.Arbitrary<unknown>[]) => fc.tuple(...items) as fc.Arbitrary<unknown[]>;
const method = (name: string, values: fc.Arbitrary<unknown[]>, call: Call, synchronous = false): Method => ({
  name,
  args: values,
  call,
  synchronous,
});

const methods: Method[] = [
  method('authStatus', args(), (metrics) => metrics.authStatus()),
  method('listFolders', args(hostileParams({ parent_id: folderId, limit, cursor: hostileString }), pageOptions), (metrics, query, page) =>
    metrics.listFolders(query, page),
  ),
  method(
    'createFolder',
    args(maybe(hostileString), hostileParams({ parent_id: nullableFolderId, description: hostileString, metadata: hostileMetadata })),
    (metrics, folderName, fields) => metrics.createFolder(folderName, fields),
  ),
  method('getFolder', args(maybe(folderId)), (metrics, id) => metrics.getFolder(id)),
  method(
    'patchFolder',
    args(maybe(folderId), hostileParams({ name: hostileString, description: hostileString, metadata: hostileMetadata })),
    (metrics, id, fields) => metrics.patchFolder(id, fields),
  ),
  method('renameFolder', args(maybe(folderId), maybe(hostileString)), (metrics, id, folderName) => metrics.renameFolder(id, folderName)),
  method('moveFolder', args(maybe(folderId), maybe(nullableFolderId)), (metrics, id, parent) => metrics.moveFolder(id, parent)),
  method(
    'listExperiments',
    args(hostileParams({ folder_id: folderId, status, search: hostileString, limit, cursor: hostileString }), pageOptions),
    (metrics, query, page) => metrics.listExperiments(query, page),
  ),
  method(
    'createExperiment',
    args(maybe(slug), hostileParams({ description: hostileString, metadata: hostileMetadata, folder_id: nullableFolderId })),
    (metrics, experimentSlug, fields) => metrics.createExperiment(experimentSlug, fields),
  ),
  method('getExperiment', args(maybe(experimentId)), (metrics, id) => metrics.getExperiment(id)),
  method('updateExperimentStatus', args(maybe(experimentId), maybe(status)), (metrics, id, value) =>
    metrics.updateExperimentStatus(id, value),
  ),
  method('moveExperiment', args(maybe(experimentId), maybe(nullableFolderId)), (metrics, id, folder) => metrics.moveExperiment(id, folder)),
  method(
    'listMetrics',
    args(
      maybe(experimentId),
      hostileParams({ name, metadata_key: hostileString, metadata_value: hostileString, limit: fc.integer({ min: 1, max: 10_000 }) }),
      pageOptions,
    ),
    (metrics, id, query, page) => metrics.listMetrics(id, query, page),
  ),
  method('compareMetrics', args(maybe(fc.array(series, { maxLength: 3 })), hostileParams({ limit })), (metrics, list, params) =>
    metrics.compareMetrics(list, params),
  ),
  method(
    'ingestMetrics',
    args(maybe(experimentId), maybe(fc.array(metricEvent, { maxLength: 3 })), hostileParams({ sync: fc.boolean() })),
    (metrics, id, events, params) => metrics.ingestMetrics(id, events, params),
  ),
  method('listMetricCatalog', args(maybe(experimentId)), (metrics, id) => metrics.listMetricCatalog(id)),
  method('inspectMetricCatalogValues', args(maybe(experimentId), maybe(name), maybe(hostileString)), (metrics, id, metric, key) =>
    metrics.inspectMetricCatalogValues(id, metric, key),
  ),
  method(
    'ingestor',
    args(
      maybe(experimentId),
      hostileParams({
        runId: hostileString,
        batchSize: hostileNumber,
        flushInterval: hostileNumber,
        concurrency: hostileNumber,
        highWaterMark: hostileNumber,
        maxBufferedEvents: hostileNumber,
        onOverflow: fc.constantFrom('throw', 'drop'),
        sync: fc.boolean(),
        maxRetries: fc.integer({ min: 0, max: 1 }),
        timestamps: fc.boolean(),
      }),
    ),
    async (metrics, id, options) => {
      const ingestor = metrics.ingestor(id, options);
      ingestor.log('loss', 1, { step: 0 });
      const report = await ingestor.close();
      expect(report.logged).toBe(report.accepted + report.duplicates + report.failed + report.dropped + report.pending);
      return report;
    },
    true,
  ),
  method('listIngestionKeys', args(maybe(experimentId)), (metrics, id) => metrics.listIngestionKeys(id)),
  method(
    'createIngestionKey',
    args(maybe(experimentId), hostileParams({ ttl_seconds: fc.oneof(fc.integer({ min: 60, max: 31_536_000 }), hostileNumber) })),
    (metrics, id, params) => metrics.createIngestionKey(id, params),
  ),
  method('revokeIngestionKey', args(maybe(experimentId), maybe(hostileString)), (metrics, id, keyId) =>
    metrics.revokeIngestionKey(id, keyId),
  ),
  method('forgetIngestionCredential', args(maybe(experimentId)), (metrics, id) => metrics.forgetIngestionCredential(id), true),
  method(
    'listAnnotations',
    args(maybe(experimentId), hostileParams({ limit, cursor: hostileString }), pageOptions),
    (metrics, id, query, page) => metrics.listAnnotations(id, query, page),
  ),
  method(
    'createAnnotation',
    args(
      maybe(experimentId),
      maybe(hostileString),
      hostileParams({ step: fc.oneof(fc.nat(), hostileNumber), metadata: hostileMetadata, client_event_id: hostileString }),
    ),
    (metrics, id, text, fields) => metrics.createAnnotation(id, text, fields),
  ),
  method('ComparisonMetricSeries', args(series), (_metrics, fields) => ComparisonMetricSeries(fields), true),
];

describe('SyvainMetricsApiClient with arbitrary arguments', () => {
  for (const { name: methodName, args: arbitrary, call, synchronous } of methods) {
    it(`${methodName}: sends what the spec allows or refuses with a typed error`, async () => {
      const metrics = client();
      await fc.assert(
        fc.asyncProperty(arbitrary, async (values) => {
          const result = await outcome(() => call(metrics, ...(values as never[])));
          expectTypedOutcome(result, guard, `${methodName}(${fc.stringify(values)})`, { synchronous });
        }),
        { numRuns: 80 },
      );
    });
  }
});

describe('MetricsIngestor.log with arbitrary arguments', () => {
  const logArgs = fc.tuple(
    maybe(name),
    maybe(fc.double({ noNaN: true, noDefaultInfinity: true })),
    hostileParams({ step: fc.oneof(fc.nat(), fc.constant(null), hostileNumber), metadata: hostileMetadata }),
  );

  it('takes the point or throws InvalidRequestError naming the field; what it takes goes out as the spec allows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(logArgs, { minLength: 1, maxLength: 8 }), async (calls) => {
        const ingestor = client().ingestor(EXPERIMENT, { maxRetries: 0, batchSize: 3 });
        let taken = 0;
        for (const [metric, value, options] of calls) {
          try {
            ingestor.log(metric as never, value as never, options as never);
            taken++;
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(InvalidRequestError);
            expect((error as InvalidRequestError).field).toMatch(/^(name|value|step|metadata(\..*)?)$/s);
          }
        }
        const report = await ingestor.close();
        expect(guard.violations.splice(0)).toEqual([]);
        expect(report).toMatchObject({ logged: taken, pending: 0 });
        expect(report.accepted + report.duplicates + report.failed).toBe(taken);
        // Nothing the client checked is refused by the server as malformed.
        expect(report.failures.filter((failure) => !/already used/.test(failure.reason))).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });

  it('after close(), log() throws MetricsApiError; at maxBufferedEvents, MetricsIngestorFullError', async () => {
    const ingestor = client().ingestor(EXPERIMENT, { maxBufferedEvents: 2, flushInterval: 60_000 });
    ingestor.log('loss', 1, { step: 0 });
    ingestor.log('loss', 2, { step: 1 });
    expect(() => ingestor.log('loss', 3, { step: 2 })).toThrow(MetricsIngestorFullError);
    await ingestor.close();
    expect(() => ingestor.log('loss', 4, { step: 3 })).toThrow(MetricsApiError);
  });

  it('every nasty name and metadata key is sent as valid JSON and stored as given', async () => {
    const metrics = client();
    const ingestor = metrics.ingestor(EXPERIMENT);
    const names = NASTY.filter((piece) => piece !== '' && piece.length <= 256);
    for (const [step, metric] of names.entries()) ingestor.log(metric, step, { step, metadata: { [metric]: metric } });
    expect(await ingestor.close()).toMatchObject({ accepted: names.length, failed: 0 });
    expect(guard.violations).toEqual([]);
    const stored = mock.state.events(EXPERIMENT).slice(-names.length);
    expect(stored.map((event) => [event.name, event.metadata])).toEqual(names.map((metric) => [metric, { [metric]: metric }]));
  });
});

describe('what the properties found, pinned', () => {
  it('a query key the operation does not declare is refused, naming it, before sending', async () => {
    const metrics = client();
    const error = await failure(() => metrics.listExperiments({ folder: 'x' } as never).then(() => undefined));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('query.folder');
    const ingest = await failure(() =>
      metrics.ingestMetrics(EXPERIMENT, [{ client_event_id: 'a', name: 'loss', value: 1 }], { wait: true } as never),
    );
    expect((ingest as InvalidRequestError).field).toBe('params.wait');
    expect(requests).toEqual([]);
  });

  it('null page options and null ingestor options read as none', async () => {
    const page = await client().listExperiments({}, null as never);
    expect(page.experiments.length).toBeGreaterThan(0);
    const ingestor = client().ingestor(EXPERIMENT, null as never);
    ingestor.log('loss', 1, { step: 0 });
    expect(await ingestor.close()).toMatchObject({ accepted: 1 });
  });

  it('log() with a value or step that has no string form throws InvalidRequestError, not TypeError', () => {
    const ingestor = client().ingestor(EXPERIMENT);
    const bare = Object.create(null) as never;
    expect(() => ingestor.log(bare, bare)).toThrow(InvalidRequestError);
    expect(() => ingestor.log('loss', 1, { step: bare })).toThrow(/Invalid step/);
  });

  it('a cursor the mock did not issue is a 400, not a 500', async () => {
    const error = await failure(() =>
      client()
        .listFolders({ cursor: '%2e%2e' })
        .then(() => undefined),
    );
    expect((error as { status?: number }).status).toBe(400);
  });
});

describe('client options of the wrong kind', () => {
  it('are refused at construction with a typed error naming the option', () => {
    const made = (options: object) => () =>
      new SyvainMetricsApiClient(KEY, { logLevel: 'off', ...(options as SyvainMetricsClientOptions) });
    for (const timeout of [{}, -5, 0, Number.NaN, '10']) expect(made({ timeout })).toThrow(/Invalid timeout/);
    expect(made({ ingestTimeout: {} })).toThrow(/Invalid ingestTimeout/);
    for (const maxRetries of ['x', -1, 1.5]) expect(made({ maxRetries })).toThrow(/Invalid maxRetries/);
    expect(made({ host: 10n })).toThrow(ConfigError);
    expect(made({ headers: 'x' })).toThrow(/Invalid headers/);
    expect(made({ headers: { 'X-Trace': 5 } })).toThrow(InvalidRequestError);
    expect(made({ timeout: 5_000, ingestTimeout: 1, maxRetries: 0, host: BASE })).not.toThrow();
  });

  it('a property over the options: construction and a call give a value or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileParams({
          host: fc.constantFrom(BASE, `${BASE}/`),
          timeout: fc.integer({ min: 1_000, max: 10_000 }),
          ingestTimeout: fc.integer({ min: 1_000, max: 10_000 }),
          maxRetries: fc.constantFrom(0, 1),
          headers: fc.dictionary(fc.stringMatching(/^X-[A-Za-z]{1,8}$/), fc.string({ maxLength: 8 }), { maxKeys: 2 }),
        }),
        async (options) => {
          const result = await outcome(() => new SyvainMetricsApiClient(KEY, { logLevel: 'off', ...(options as object) }).authStatus());
          expectTypedOutcome(result, guard, `new SyvainMetricsApiClient(KEY, ${fc.stringify(options)}).authStatus()`, {
            synchronous: true,
            allowed: [ConfigError],
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('hostileValue covers wrong types', () => {
  it('generates non-strings (a guard against a vacuous property)', () => {
    const kinds = new Set(fc.sample(hostileValue, 300).map((value) => typeof value));
    expect([...kinds]).toEqual(expect.arrayContaining(['string', 'number', 'object', 'undefined', 'boolean', 'bigint']));
  });
});
