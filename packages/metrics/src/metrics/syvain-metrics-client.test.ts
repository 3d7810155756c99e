import {
  APIConnectionError,
  APITimeoutError,
  ConfigError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  ResponseValidationError,
} from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { delay, getResponse, HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsMock } from '../mocks/metrics.js';
import { ComparisonMetricSeries } from './comparison-metric-series.js';
import { SyvainMetricsApiClient, type SyvainMetricsClientOptions } from './syvain-metrics-client.js';
import { MetricsApiError, MetricsApiRequestError, MetricsApiResponseError } from './syvain-metrics-errors.js';

const BASE = 'https://metrics.syvain.com';
const KEY = 'ak_org_trainwire_test';
let mock = createMetricsMock();
const { server, requests } = useMockServer(() => {
  mock = createMetricsMock({ seed: 7 });
  return mock.handlers;
});
const client = (options: SyvainMetricsClientOptions = {}) => new SyvainMetricsApiClient(KEY, { logLevel: 'off', ...options });
const seeded = () => [...mock.state.experiments.values()];
const paths = () => requests.map((request) => `${request.method} ${request.url.pathname}${request.url.search}`);

afterEach(() => vi.unstubAllEnvs());

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('SyvainMetricsApiClient setup', () => {
  it('reads the key from SYVAIN_METRICS_API_KEY and names both when it is missing', async () => {
    vi.stubEnv('SYVAIN_METRICS_API_KEY', KEY);
    const status = await new SyvainMetricsApiClient(undefined, { logLevel: 'off' }).authStatus();
    expect(status.principal).toMatchObject({ type: 'api_key', key_prefix: 'ak_org_tra' });
    vi.stubEnv('SYVAIN_METRICS_API_KEY', '');
    expect(() => new SyvainMetricsApiClient()).toThrow(ConfigError);
    expect(() => new SyvainMetricsApiClient()).toThrow(/apiKey.*SYVAIN_METRICS_API_KEY/);
  });

  it('sends the key as a bearer token to `host` (or SYVAIN_METRICS_HOST)', async () => {
    const other = createMetricsMock({ baseURL: 'https://metrics.internal.test', seed: 7 });
    server.use(...other.handlers);
    await client({ host: 'https://metrics.internal.test/' }).authStatus();
    vi.stubEnv('SYVAIN_METRICS_HOST', 'https://metrics.internal.test');
    await client().authStatus();
    expect(requests.map((request) => request.url.origin)).toEqual(['https://metrics.internal.test', 'https://metrics.internal.test']);
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(() => client({ host: 'http://metrics.syvain.com' })).toThrow(/plain http/);
  });
});

describe('folders', () => {
  it('creates, gets, patches, renames and moves a folder with the exact wire', async () => {
    const metrics = client();
    const { folder } = await metrics.createFolder('ablations', { description: 'small runs', metadata: { owner: 'ana' } });
    expect(folder).toMatchObject({
      name: 'ablations',
      parent_id: null,
      path: 'ablations',
      description: 'small runs',
      metadata: { owner: 'ana' },
    });
    const [create] = requests;
    expect(create?.method).toBe('POST');
    expect(create?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(create?.headers.get('content-type')).toBe('application/json');
    expect(await create?.body).toBe('{"name":"ablations","description":"small runs","metadata":{"owner":"ana"}}');

    expect((await metrics.getFolder(folder.id)).folder.id).toBe(folder.id);
    const patched = await metrics.patchFolder(folder.id, { description: 'tiny runs' });
    expect(patched.folder).toMatchObject({ name: 'ablations', description: 'tiny runs' });
    const renamed = await metrics.renameFolder(folder.id, 'ablations-2026');
    expect(renamed.folder.name).toBe('ablations-2026');
    expect(await requests.at(-1)?.body).toBe('{"name":"ablations-2026"}');

    const research = [...mock.state.folders.values()].find((item) => item.name === 'research');
    const moved = await metrics.moveFolder(folder.id, research?.id ?? null);
    expect(moved.folder).toMatchObject({ parent_id: research?.id, path: 'research/ablations-2026' });
    expect((await metrics.moveFolder(folder.id, null)).folder.path).toBe('ablations-2026');
    const patchKeys = requests.filter((request) => request.method !== 'GET').map((request) => request.headers.get('idempotency-key'));
    expect(new Set(patchKeys).size).toBe(patchKeys.length);
  });

  it('refuses to move a folder into its own subtree with a 409 ConflictError', async () => {
    const metrics = client();
    const research = [...mock.state.folders.values()].find((item) => item.name === 'research');
    const mamba = [...mock.state.folders.values()].find((item) => item.name === 'mamba');
    const error = await caught(metrics.moveFolder(research?.id as string, mamba?.id as string));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    expect(error).toBeInstanceOf(MetricsApiError);
    expect(error).toMatchObject({ status: 409, code: 'folder_cycle' });
  });

  it('lists folders page by page with the cursor', async () => {
    const names: string[] = [];
    for await (const folder of client().listFolders({ limit: 2 })) names.push(folder.path);
    expect(names).toEqual(['baselines', 'research/mamba', 'research']);
    expect(paths()).toEqual(['GET /api/v1/folders?limit=2', `GET /api/v1/folders?limit=2&cursor=${encodeURIComponent(btoa('offset:2'))}`]);
    const research = [...mock.state.folders.values()].find((item) => item.name === 'research');
    const children = await client().listFolders({ parent_id: research?.id });
    expect(children.folders.map((folder) => folder.name)).toEqual(['mamba']);
    expect(children.next_cursor).toBeNull();
  });
});

describe('experiments', () => {
  it('creates an experiment in its envelope, and refuses a taken slug', async () => {
    const metrics = client();
    const { experiment } = await metrics.createExperiment('mamba-run-900', {
      description: 'Baseline mamba training run',
      metadata: { model: 'mamba' },
    });
    expect(experiment).toMatchObject({ slug: 'mamba-run-900', status: 'created', metadata: { model: 'mamba' }, folder_id: null });
    expect(experiment.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await requests[0]?.body).toBe(
      '{"slug":"mamba-run-900","description":"Baseline mamba training run","metadata":{"model":"mamba"}}',
    );
    const error = await caught(metrics.createExperiment('mamba-run-900'));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe('409 An experiment with slug mamba-run-900 already exists.');
  });

  it('gets, updates the status of, moves and lists experiments', async () => {
    const metrics = client();
    const { experiment } = await metrics.createExperiment('status-run');
    expect((await metrics.getExperiment(experiment.id)).experiment.slug).toBe('status-run');
    const running = await metrics.updateExperimentStatus(experiment.id, 'running');
    expect(running.experiment.status).toBe('running');
    expect(running.experiment.started_at).not.toBeNull();
    const done = await metrics.updateExperimentStatus(experiment.id, 'completed');
    expect(done.experiment.ended_at).not.toBeNull();
    expect(await requests.at(-1)?.body).toBe('{"status":"completed"}');
    expect(requests.at(-1)?.method).toBe('PATCH');

    const mamba = [...mock.state.folders.values()].find((item) => item.name === 'mamba');
    const moved = await metrics.moveExperiment(experiment.id, mamba?.id ?? null);
    expect(moved.experiment.folder_id).toBe(mamba?.id);
    const inMamba = await metrics.listExperiments({ folder_id: mamba?.id });
    expect(inMamba.experiments.map((item) => item.slug)).toEqual(['status-run', 'mamba-run-003', 'mamba-run-002']);
    const completed: string[] = [];
    for await (const item of metrics.listExperiments({ status: 'completed', limit: 1 })) completed.push(item.slug);
    expect(completed).toEqual(['status-run', 'mamba-run-001']);
    expect((await metrics.listExperiments({ search: 'RUN-002' })).experiments.map((item) => item.slug)).toEqual(['mamba-run-002']);
  });

  it('rejects a bad status before sending anything', async () => {
    const error = await caught(client().updateExperimentStatus(seeded()[0]?.id as string, 'exploded' as never));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toBeInstanceOf(MetricsApiError);
    expect(error).toMatchObject({ field: 'body.status' });
    expect(requests).toHaveLength(0);
  });
});

describe('metrics', () => {
  it('ingests with a minted ingestion key and counts accepted, duplicate and rejected events', async () => {
    const metrics = client();
    const { experiment } = await metrics.createExperiment('mamba-run-001x');
    const events = [
      { client_event_id: 'mamba-run-001x/loss/1', name: 'loss', value: 0.42, step: 1, metadata: { split: 'train' } },
      { client_event_id: 'mamba-run-001x/loss/2', name: 'loss', value: 0.4, step: 2, metadata: { split: 'train' } },
    ];
    expect(await metrics.ingestMetrics(experiment.id, events, { sync: true })).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(paths().slice(1)).toEqual([
      `POST /api/v1/experiments/${experiment.id}/ingestion-keys`,
      `POST /api/v1/experiments/${experiment.id}/metrics/ingest?sync=true`,
    ]);
    const [mint, ingest] = requests.slice(1);
    expect(mint?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(ingest?.headers.get('authorization')).toMatch(/^Bearer ik_[0-9a-f]{32}$/);
    expect(JSON.parse(await (ingest?.body as Promise<string>))).toEqual({ metrics: events });

    const again = await metrics.ingestMetrics(experiment.id, [events[0] as never, { ...events[1], value: 0.5 } as never]);
    expect(again).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [{ client_event_id: 'mamba-run-001x/loss/2', reason: 'client_event_id was already used for a different event' }],
    });
    // The cached key was reused: still one mint.
    expect(paths().filter((path) => path.endsWith('/ingestion-keys'))).toHaveLength(1);
    expect(mock.state.events(experiment.id).map((event) => event.value)).toEqual([0.42, 0.4]);
    expect((await metrics.getExperiment(experiment.id)).experiment.status).toBe('running');
  });

  it('lists, compares and catalogs stored points', async () => {
    const metrics = client();
    const [first, second] = seeded();
    const evalLoss = await metrics.listMetrics(first?.id as string, {
      name: 'loss',
      metadata_key: 'split',
      metadata_value: 'eval',
      limit: 3,
    });
    expect(evalLoss.metrics.map((point) => point.step)).toEqual([0, 20, 40]);
    expect(evalLoss.metrics[0]).toMatchObject({ name: 'loss', metadata: { split: 'eval' } });
    expect(evalLoss.next_cursor).not.toBeNull();
    let count = 0;
    for await (const _ of metrics.listMetrics(first?.id as string, { name: 'accuracy', limit: 4 })) count++;
    expect(count).toBe(10);

    const rows = await metrics.compareMetrics(
      [
        ComparisonMetricSeries({ experiment_id: first?.id as string, metric_name: 'loss', metadata_key: 'split', metadata_value: 'train' }),
        { experiment_id: second?.id as string, metric_name: 'loss', metadata_key: 'split', metadata_value: 'train' },
      ],
      { limit: 500 },
    );
    expect(rows.rows).toHaveLength(400);
    expect(rows.rows.filter((row) => row.series_index === 1).map((row) => row.step)).toEqual([...Array(200).keys()]);
    expect(JSON.parse(await (requests.at(-1)?.body as Promise<string>))).toMatchObject({ limit: 500 });
    const limited = await metrics.compareMetrics([{ experiment_id: first?.id as string, metric_name: 'accuracy' }], { limit: 2 });
    expect(limited.rows.map((row) => row.step)).toEqual([0, 20]);

    const catalog = await metrics.listMetricCatalog(first?.id as string);
    expect(catalog.metrics).toEqual([
      { name: 'accuracy', count: 10, first_step: 0, last_step: 180, metadata_keys: [] },
      { name: 'loss', count: 210, first_step: 0, last_step: 199, metadata_keys: ['split'] },
    ]);
    const values = await metrics.inspectMetricCatalogValues(first?.id as string, 'loss', 'split');
    expect(values).toEqual({
      metric_name: 'loss',
      metadata_key: 'split',
      values: [
        { value: 'train', count: 200 },
        { value: 'eval', count: 10 },
      ],
    });
    expect(paths().at(-1)).toBe(`GET /api/v1/experiments/${first?.id}/metric-catalog/loss/values?metadata_key=split`);
  });

  it('checks a comparison series like the Python model does', () => {
    expect(() => ComparisonMetricSeries({ experiment_id: '', metric_name: 'loss' })).toThrow(InvalidRequestError);
    expect(() => ComparisonMetricSeries({ experiment_id: 'x', metric_name: 'loss', metadata_key: 'split' } as never)).toThrow(
      /metadata_key and metadata_value/,
    );
  });
});

describe('ingestion keys', () => {
  it('mints, lists and revokes keys; a revoked cached key is forgotten', async () => {
    const metrics = client();
    const experiment = seeded()[1]?.id as string;
    const created = await metrics.createIngestionKey(experiment, { ttl_seconds: 3600 });
    expect(created.secret).toMatch(/^ik_/);
    expect(created.ingestion_key).toMatchObject({ experiment_id: experiment, revoked_at: null, prefix: created.secret.slice(0, 7) });
    expect(Date.parse(created.ingestion_key.expires_at as string) - Date.parse(created.ingestion_key.created_at)).toBe(3_600_000);
    const listed = await metrics.listIngestionKeys(experiment);
    expect(listed.ingestion_keys).toEqual([created.ingestion_key]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    await metrics.ingestMetrics(experiment, [{ client_event_id: 'k/1', name: 'lr', value: 1e-4, step: 1 }]);
    const cached = (await metrics.listIngestionKeys(experiment)).ingestion_keys.at(-1);
    await metrics.revokeIngestionKey(experiment, cached?.id as string);
    expect(requests.at(-1)?.method).toBe('DELETE');
    expect((await metrics.listIngestionKeys(experiment)).ingestion_keys.at(-1)?.revoked_at).not.toBeNull();
    await metrics.ingestMetrics(experiment, [{ client_event_id: 'k/2', name: 'lr', value: 1e-4, step: 2 }]);
    // Forgotten on revoke, so the next ingest minted a fresh key instead of being refused first.
    expect(requests.filter((request) => request.url.pathname.endsWith('/metrics/ingest'))).toHaveLength(2);
    expect(mock.state.ingestionKeys.size).toBe(3);

    expect(metrics.forgetIngestionCredential(experiment)).toBe(true);
    expect(metrics.forgetIngestionCredential(experiment)).toBe(false);
    await metrics.ingestMetrics(experiment, [{ client_event_id: 'k/3', name: 'lr', value: 1e-4, step: 3 }]);
    expect(mock.state.ingestionKeys.size).toBe(4);
    const error = await caught(metrics.revokeIngestionKey(experiment, 'ikey_nope'));
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('re-mints once when the server refuses the cached key, keeping the idempotency key', async () => {
    const metrics = client();
    const experiment = seeded()[2]?.id as string;
    await metrics.ingestMetrics(experiment, [{ client_event_id: 'r/1', name: 'loss', value: 1, step: 1 }]);
    mock.state.revokeIngestionKeys();
    const result = await metrics.ingestMetrics(experiment, [{ client_event_id: 'r/2', name: 'loss', value: 1, step: 2 }]);
    expect(result.accepted).toBe(1);
    const ingests = requests.filter((request) => request.url.pathname.endsWith('/metrics/ingest'));
    expect(ingests).toHaveLength(3);
    expect(ingests[1]?.headers.get('idempotency-key')).toBe(ingests[2]?.headers.get('idempotency-key'));
    expect(ingests[1]?.headers.get('authorization')).not.toBe(ingests[2]?.headers.get('authorization'));
    expect(paths().filter((path) => path.endsWith('/ingestion-keys'))).toHaveLength(2);
  });

  it('mints one key for concurrent first calls', async () => {
    const metrics = client();
    const experiment = seeded()[1]?.id as string;
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        metrics.ingestMetrics(experiment, [{ client_event_id: `c/${index}`, name: 'loss', value: index, step: index }]),
      ),
    );
    expect(paths().filter((path) => path.endsWith('/ingestion-keys'))).toHaveLength(1);
    expect(
      new Set(requests.filter((request) => request.url.pathname.endsWith('/ingest')).map((request) => request.headers.get('authorization')))
        .size,
    ).toBe(1);
  });

  it('gives up after one re-mint and raises the 401', async () => {
    server.use(
      http.post(`${BASE}/api/v1/experiments/:id/metrics/ingest`, () =>
        HttpResponse.json({ error: { code: 'invalid_ingestion_key', message: 'no' } }, { status: 401 }),
      ),
    );
    const error = await caught(client().ingestMetrics(seeded()[0]?.id as string, [{ client_event_id: 'x', name: 'loss', value: 1 }]));
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    expect(error).toMatchObject({ status: 401 });
    expect(paths().filter((path) => path.endsWith('/ingestion-keys'))).toHaveLength(2);
  });
});

describe('annotations and auth', () => {
  it('creates annotations with the ingestion key, deduplicated by client_event_id, and lists them', async () => {
    const metrics = client();
    const experiment = seeded()[0]?.id as string;
    const first = await metrics.createAnnotation(experiment, 'lr drop', {
      step: 120,
      metadata: { by: 'scheduler' },
      client_event_id: 'a/1',
    });
    expect(first.annotation).toMatchObject({ text: 'lr drop', step: 120, metadata: { by: 'scheduler' }, client_event_id: 'a/1' });
    expect(requests.at(-1)?.headers.get('authorization')).toMatch(/^Bearer ik_/);
    const again = await metrics.createAnnotation(experiment, 'lr drop', {
      step: 120,
      metadata: { by: 'scheduler' },
      client_event_id: 'a/1',
    });
    expect(again.annotation.id).toBe(first.annotation.id);
    const listed = await metrics.listAnnotations(experiment);
    expect(listed.annotations.map((annotation) => annotation.text)).toEqual(['warmup done', 'lr drop']);
  });

  it('reports the principal of the API key', async () => {
    expect(await client().authStatus()).toMatchObject({ authenticated: true, principal: { type: 'api_key', org_id: 'org_trainwire' } });
    const error = await caught(new SyvainMetricsApiClient('ak_org_wrong_key', { logLevel: 'off' }).authStatus());
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(JSON.stringify(error)).not.toContain('ak_org_wrong_key');
  });
});

describe('retries, timeouts and errors', () => {
  it('retries a write whose answer was lost with the same Idempotency-Key, and the server applies it once', async () => {
    let first = true;
    server.use(
      http.post(`${BASE}/api/v1/experiments`, async ({ request }) => {
        if (!first) return undefined;
        first = false;
        await getResponse(mock.handlers, request.clone()); // applied, then the answer is lost
        return HttpResponse.json(
          { error: { code: 'unavailable', message: 'try again' } },
          { status: 503, headers: { 'retry-after-ms': '0' } },
        );
      }),
    );
    const { experiment } = await client().createExperiment('retried-run');
    expect(seeded().filter((item) => item.slug === 'retried-run')).toHaveLength(1);
    expect(seeded().at(-1)?.id).toBe(experiment.id);
    const keys = requests.map((request) => request.headers.get('idempotency-key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('applies `timeout` to ordinary calls and `ingestTimeout` to ingestion', async () => {
    // Margins sized for a loaded 2-core machine: the ingestion key mint is an ordinary call under
    // `timeout` too, so `timeout` must leave it room; the ingest answer comes after `timeout` but
    // well within `ingestTimeout`.
    server.use(
      http.get(`${BASE}/api/v1/experiments/:id`, async () => {
        await delay(20_000);
        return undefined;
      }),
      http.post(`${BASE}/api/v1/experiments/:id/metrics/ingest`, async () => {
        await delay(3_000);
        return undefined;
      }),
    );
    const metrics = client({ timeout: 1_500, ingestTimeout: 30_000, maxRetries: 0 });
    const experiment = seeded()[0]?.id as string;
    const error = await caught(metrics.getExperiment(experiment));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    const result = await metrics.ingestMetrics(experiment, [{ client_event_id: 't/1', name: 'loss', value: 1, step: 1 }], { sync: true });
    expect(result.accepted).toBe(1);
  }, 60_000);

  it('raises connection failures as MetricsApiRequestError', async () => {
    server.use(http.get(`${BASE}/api/v1/auth/status`, () => HttpResponse.error()));
    const error = await caught(client({ maxRetries: 0 }).authStatus());
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    expect(error).not.toBeInstanceOf(MetricsApiResponseError);
  });

  it('raises a 2xx that does not match the schema as MetricsApiResponseError', async () => {
    server.use(http.get(`${BASE}/api/v1/experiments/:id`, () => HttpResponse.json({ experiment: { id: 42 } })));
    const error = await caught(client().getExperiment(seeded()[0]?.id as string));
    expect(error).toBeInstanceOf(MetricsApiResponseError);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toBeInstanceOf(MetricsApiError);
    expect(error).not.toBeInstanceOf(MetricsApiRequestError);
    expect((error as Error).message).toMatch(/getExperiment.*\$\.experiment/);
  });

  it('raises a 404 as NotFoundError and MetricsApiRequestError', async () => {
    const error = await caught(client().getExperiment('00000000-0000-4000-a000-000000000000'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('never shows the API key or an ingestion key in an error', async () => {
    server.use(
      http.post(`${BASE}/api/v1/experiments/:id/metrics/ingest`, ({ request }) =>
        HttpResponse.json(
          { error: { code: 'bad', message: `refused ${request.headers.get('authorization')} and ${KEY}` } },
          { status: 400 },
        ),
      ),
    );
    const error = await caught(client().ingestMetrics(seeded()[0]?.id as string, [{ client_event_id: 's', name: 'loss', value: 1 }]));
    const secret = [...mock.state.ingestionKeys.keys()][0] as string;
    for (const shown of [(error as Error).message, JSON.stringify(error), String((error as Error).stack)]) {
      expect(shown).not.toContain(KEY);
      expect(shown).not.toContain(secret);
    }
    expect((error as Error).message).toContain('[redacted]');
  });
});
