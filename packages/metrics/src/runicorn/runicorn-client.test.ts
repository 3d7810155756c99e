import { APIConnectionError, NotFoundError as CoreNotFoundError, InternalServerError, InvalidRequestError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRunicornMock } from '../mocks/runicorn.js';
import { connect, DEFAULT_BASE_URL, RunicornClient } from './runicorn-client.js';
import {
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  RunicornAPIError,
  ServerError,
  UnprocessableEntityError,
} from './runicorn-errors.js';

const BASE = DEFAULT_BASE_URL;
let mock = createRunicornMock();
const { server, requests } = useMockServer(() => {
  mock = createRunicornMock({ seed: 7 });
  return mock.handlers;
});
/** Serve a mock made with these options for the rest of the test. */
const serve = (options: Parameters<typeof createRunicornMock>[0]) => {
  mock = createRunicornMock({ seed: 7, ...options });
  server.resetHandlers(...mock.handlers);
};

const client = (options: ConstructorParameters<typeof RunicornClient>[0] = {}) =>
  new RunicornClient({ logLevel: 'off', ...(typeof options === 'string' ? { baseURL: options } : options) });
const paths = () => requests.map((request) => `${request.method} ${request.url.pathname}${request.url.search}`);

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('connect', () => {
  it('checks /api/health, accepts the real viewer\'s "ok" and returns a client', async () => {
    const connected = await connect(BASE, { logLevel: 'off' });
    expect(connected).toBeInstanceOf(RunicornClient);
    expect(paths()).toEqual(['GET /api/health']);
    expect(requests[0]?.headers.get('authorization')).toBeNull();
    await connected.close();
  });

  it('defaults to http://127.0.0.1:23300, else RUNICORN_BASE_URL', async () => {
    expect(client().baseURL).toBe('http://127.0.0.1:23300');
    vi.stubEnv('RUNICORN_BASE_URL', 'http://localhost:8080/');
    expect(client().baseURL).toBe('http://localhost:8080');
    expect(new RunicornClient('http://127.0.0.1:9000', { logLevel: 'off' }).baseURL).toBe('http://127.0.0.1:9000');
  });

  it('throws ConnectionError when nothing listens, after the retries', async () => {
    server.use(http.get(`${BASE}/api/health`, () => HttpResponse.error()));
    const failure = await connect(BASE, { logLevel: 'off', maxRetries: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(failure).toBeInstanceOf(APIConnectionError);
    expect(failure).toBeInstanceOf(RunicornAPIError);
    expect((failure as ConnectionError).message).toMatch(
      /Cannot reach the Runicorn viewer at http:\/\/127\.0\.0\.1:23300.*runicorn viewer/,
    );
    expect((failure as ConnectionError).attempts).toBe(2);
  });

  it('throws ConnectionError when the viewer reports another status', async () => {
    server.use(http.get(`${BASE}/api/health`, () => HttpResponse.json({ status: 'degraded' })));
    await expect(connect(BASE, { logLevel: 'off' })).rejects.toThrow(/is not healthy: status "degraded"/);
  });

  it('closes with await using, and refuses calls afterwards', async () => {
    let kept: RunicornClient | undefined;
    {
      await using connected = await connect(undefined, { logLevel: 'off' });
      kept = connected;
      expect(connected.closed).toBe(false);
    }
    expect(kept?.closed).toBe(true);
    await expect(kept?.listProjects()).rejects.toThrow(ConnectionError);
    await expect(kept?.listProjects()).rejects.toThrow('The Runicorn client was closed.');
    expect(paths()).toEqual(['GET /api/health']);
  });

  it('close() aborts a call in flight with ConnectionError', async () => {
    server.use(http.get(`${BASE}/api/projects`, () => new Promise<Response>(() => {})));
    const runicorn = client();
    const pending = runicorn.listProjects();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await runicorn.close();
    await expect(pending).rejects.toThrow(ConnectionError);
  });
});

describe('experiments', () => {
  it('lists with filters and maps limit/offset onto page/per_page of /api/v2/experiments', async () => {
    const runs = await client().listExperiments({ project: 'vision', status: 'finished', limit: 10, offset: 0 });
    expect(runs.map((run) => [run.project, run.name, run.status])).toEqual([
      ['vision', 'resnet50', 'finished'],
      ['vision', 'resnet50', 'finished'],
      ['vision', 'imagenet-prep', 'finished'],
    ]);
    expect(runs[0]?.id).toMatch(/^20250124_\d{6}_[0-9a-f]{6}$/);
    expect(paths()).toEqual(['GET /api/v2/experiments?project=vision&status=finished&page=1&per_page=10']);
  });

  it('walks the pages an offset that is not a page boundary needs', async () => {
    const all = await client().listExperiments();
    expect(all).toHaveLength(7);
    expect(all.map((run) => run.created_time)).toEqual([...all.map((run) => run.created_time)].sort((a, b) => (b ?? 0) - (a ?? 0)));
    requests.length = 0;
    const slice = await client().listExperiments({ limit: 2, offset: 3 });
    expect(slice.map((run) => run.id)).toEqual(all.slice(3, 5).map((run) => run.id));
    expect(paths()).toEqual(['GET /api/v2/experiments?page=2&per_page=2', 'GET /api/v2/experiments?page=3&per_page=2']);
  });

  it('reads /api/runs, filtered and sliced here, from a 0.6.0 viewer that has no v2 index', async () => {
    const indexed = await client().listExperiments({ project: 'vision' });
    serve({ viewerVersion: '0.6.0' });
    requests.length = 0;
    const runs = await client().listExperiments({ project: 'vision', status: ['finished', 'failed'], limit: 2, offset: 1 });
    expect(paths()).toEqual(['GET /api/v2/experiments?project=vision&status=finished%2Cfailed&page=1&per_page=2', 'GET /api/runs']);
    const expected = indexed.filter((run) => run.status !== 'running').slice(1, 3);
    expect(runs.map((run) => [run.id, run.project, run.name])).toEqual(expected.map((run) => [run.id, run.project, run.name]));
    expect(runs.map((run) => run.created_time)).toEqual(expected.map((run) => run.created_time));
    await expect(client().artifacts.listArtifacts()).rejects.toThrow(NotFoundError);
  });

  it('takes several statuses as one comma-separated filter', async () => {
    const runs = await client().listExperiments({ status: ['failed', 'running'] });
    expect(runs.map((run) => run.status).sort()).toEqual(['failed', 'running']);
    expect(requests[0]?.url.searchParams.get('status')).toBe('failed,running');
  });

  it('refuses a bad limit or offset before sending', async () => {
    await expect(client().listExperiments({ limit: 0 })).rejects.toThrow(InvalidRequestError);
    await expect(client().listExperiments({ offset: -1 })).rejects.toThrow('Invalid offset: must be an integer >= 0, got -1');
    expect(requests).toHaveLength(0);
  });

  it('gets a run by id (getExperiment and its alias getRun), and NotFoundError for an unknown one', async () => {
    const [listed] = await client().listExperiments({ name: 'bert-base' });
    const run = await client().getExperiment(listed?.id as string);
    expect(run).toMatchObject({ id: listed?.id, project: 'nlp', name: 'bert-base', status: 'finished' });
    expect(run.logs).toMatch(/\/data\/runicorn\/nlp\/bert-base\/runs\/.+\/logs\.txt$/);
    expect(await client().getRun(listed?.id as string)).toEqual(run);
    const missing = await client()
      .getRun('20990101_000000_ffffff')
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(CoreNotFoundError);
    expect(missing).toBeInstanceOf(RunicornAPIError);
    expect((missing as NotFoundError).status).toBe(404);
    expect((missing as NotFoundError).message).toBe('404 Run not found');
    expect(paths().at(-1)).toBe('GET /api/runs/20990101_000000_ffffff');
  });

  it('lists project names as strings', async () => {
    expect(await client().listProjects()).toEqual(['nlp', 'vision']);
  });
});

describe('getMetrics', () => {
  const runId = async (name: string) => (await client().listExperiments({ name }))[0]?.id as string;

  it('reshapes the viewer rows into { metrics: { name: [{ step, value }] } }', async () => {
    const id = await runId('vit-b16');
    requests.length = 0;
    const metrics = await client().getMetrics(id);
    expect(paths()).toEqual([`GET /api/runs/${id}/metrics`]);
    expect(Object.keys(metrics.metrics).sort()).toEqual(['accuracy', 'loss', 'lr', 'val_acc']);
    expect(metrics.metrics.loss).toHaveLength(35);
    expect(metrics.metrics.loss?.[0]).toMatchObject({ step: 1, stage: 'train' });
    expect(metrics.metrics.loss?.[0]?.timestamp).toBeTypeOf('number');
    // val_acc is logged every 10 steps: the null rows are skipped, not zero-filled.
    expect(metrics.metrics.val_acc?.map((point) => point.step)).toEqual([10, 20, 30]);
    expect(metrics.metrics.val_acc?.[0]?.stage).toBe('val');
    expect(metrics).toMatchObject({ run_id: id, total: 35, sampled: 35 });
  });

  it('keeps only the metric_names asked for, and the first `limit` points of each', async () => {
    const id = await runId('bert-base');
    const metrics = await client().getMetrics(id, { metric_names: ['loss', 'perplexity'], limit: 5 });
    expect(Object.keys(metrics.metrics)).toEqual(['loss', 'perplexity']);
    expect(metrics.metrics.perplexity?.map((point) => point.step)).toEqual([1, 2, 3, 4, 5]);
    const losses = metrics.metrics.loss?.map((point) => point.value) ?? [];
    expect(losses[0]).toBeGreaterThan(losses[4] as number);
  });

  it('passes downsample to the viewer, and refuses one outside 100..50000 before sending', async () => {
    // The older resnet50 run logged 120 steps.
    const id = (await client().listExperiments({ name: 'resnet50' })).at(-1)?.id as string;
    requests.length = 0;
    const metrics = await client().getMetrics(id, { downsample: 100 });
    expect(requests[0]?.url.searchParams.get('downsample')).toBe('100');
    expect(metrics.sampled).toBe(100);
    expect(metrics.total).toBe(120);
    expect(metrics.metrics.accuracy?.at(-1)?.step).toBe(120);
    await expect(client().getMetrics(id, { downsample: 10 })).rejects.toThrow(/Invalid query\.downsample/);
    await expect(client().getMetrics(id, { metric_names: ['loss', ''] })).rejects.toThrow('Invalid metric_names');
    expect(requests).toHaveLength(1);
  });

  it('sees a running run grow as time passes (speed scales it)', async () => {
    // 25 steps a second: its 200 steps take 8 s, room for a slow first call on a loaded machine
    // (at 1,000 a second the run had finished before a slow first call listed it).
    serve({ speed: 25 });
    const running = (await client().listExperiments({ status: 'running' }))[0];
    expect(running).toBeDefined();
    const id = running?.id as string;
    const first = (await client().getMetrics(id)).total;
    expect(first).toBeLessThan(200);
    await vi.waitFor(async () => expect((await client().getMetrics(id)).total).toBeGreaterThan(first), { timeout: 15_000, interval: 100 });
    await vi.waitFor(async () => expect((await client().getRun(id)).status).toBe('finished'), { timeout: 30_000, interval: 250 });
    expect((await client().getMetrics(id)).total).toBe(200);
  }, 60_000);
});

describe('config', () => {
  it('reads the configuration (user_root_dir is empty until one is set: the viewer was started with --storage)', async () => {
    expect(await client().getConfig()).toEqual({
      user_root_dir: '',
      storage: '/data/runicorn',
      config_file: '/home/runicorn/.config/runicorn/config.json',
    });
  });

  it('updates user_root_dir through POST /api/config/user_root_dir and returns the new config', async () => {
    const config = await client().updateConfig({ user_root_dir: '/mnt/runs' });
    expect(config.user_root_dir).toBe('/mnt/runs');
    expect(paths()).toEqual(['POST /api/config/user_root_dir', 'GET /api/config']);
    expect(await requests[0]?.body).toBe('{"path":"/mnt/runs"}');
    expect(mock.state.config.storage).toBe('/mnt/runs');
    // A new storage root holds no runs yet; the first one still has its own.
    expect(await client().listProjects()).toEqual([]);
    await client().updateConfig({ user_root_dir: '/data/runicorn' });
    expect(await client().listProjects()).toEqual(['nlp', 'vision']);
  });

  it('refuses keys the viewer cannot change, before sending; the viewer resolves a relative path in its working directory', async () => {
    await expect(client().updateConfig({ user_root_dir: '/x', theme: 'dark' } as never)).rejects.toThrow(
      'Invalid config.theme: the Runicorn viewer can change only user_root_dir over HTTP',
    );
    expect(requests).toHaveLength(0);
    expect(await client().updateConfig({ user_root_dir: 'relative/../dir' })).toMatchObject({ user_root_dir: '/home/runicorn/dir' });
    const refused = await client()
      .updateConfig({ user_root_dir: '/proc/runicorn' })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({
      name: 'BadRequestError',
      status: 400,
      message: "400 Invalid path or permission error: [Errno 13] Permission denied: '/proc/runicorn'",
    });
  });

  it('reports GPU telemetry from /api/gpu/telemetry', async () => {
    expect(await client().getGpuInfo()).toEqual({ available: false, reason: 'nvidia-smi not found in PATH' });
    expect(paths()).toEqual(['GET /api/gpu/telemetry']);
  });
});

describe('exportExperiment', () => {
  const firstRun = async () => (await client().listExperiments({ name: 'gpt2-small' }))[0]?.id as string;

  it('builds CSV itself when the viewer answers 501, without retrying the 501', async () => {
    const id = await firstRun();
    requests.length = 0;
    const bytes = await client().exportExperiment(id, { format: 'csv' });
    expect(bytes).toBeInstanceOf(Uint8Array);
    const lines = new TextDecoder().decode(bytes).trimEnd().split('\r\n');
    expect(lines[0]).toBe('global_step,loss,lr,perplexity,stage,time,val_loss');
    expect(lines).toHaveLength(61);
    expect(lines[10]?.split(',')[0]).toBe('10');
    expect(lines[10]?.split(',')[6]).not.toBe('');
    expect(lines[1]?.split(',')[6]).toBe('');
    expect(paths().filter((path) => path.includes('/api/export/'))).toEqual([`GET /api/export/${id}/csv`]);
    expect(paths()).toContain(`GET /api/runs/${id}/metrics`);
  });

  it('takes the viewer CSV when its export route works', async () => {
    serve({ exportAvailable: true });
    const id = await firstRun();
    requests.length = 0;
    const text = new TextDecoder().decode(await client().exportExperiment(id, { format: 'csv' }));
    expect(text.split('\n')[0]).toBe('global_step,loss,lr,perplexity,stage,time,val_loss');
    expect(paths()).toEqual([`GET /api/export/${id}/csv`]);
  });

  it('exports JSON (the default) as the run and its metric rows', async () => {
    const id = await firstRun();
    const document = JSON.parse(new TextDecoder().decode(await client().exportExperiment(id)));
    expect(document.run).toMatchObject({ id, name: 'gpt2-small' });
    expect(document.metrics.columns[0]).toBe('global_step');
    expect(document.metrics.rows).toHaveLength(60);
    expect(document.metrics.total).toBe(60);
  });

  it('refuses include_media and unknown formats before sending, and 404s an unknown run', async () => {
    await expect(client().exportExperiment('x', { include_media: true })).rejects.toThrow(
      /Invalid include_media: the Runicorn viewer serves no media/,
    );
    await expect(client().exportExperiment('x', { format: 'parquet' as never })).rejects.toThrow(
      'Invalid format: must be "json" or "csv", got "parquet"',
    );
    expect(requests).toHaveLength(0);
    await expect(client().exportExperiment('nope', { format: 'json' })).rejects.toThrow(NotFoundError);
  });

  it('writes an export to a file in Node', async () => {
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const folder = await mkdtemp(join(tmpdir(), 'runicorn-export-'));
    const id = await firstRun();
    const written = await client().exportExperimentToFile(id, join(folder, 'exports', 'run.csv'), { format: 'csv' });
    expect(written).toBe(join(folder, 'exports', 'run.csv'));
    expect((await readFile(written, 'utf8')).startsWith('global_step,loss,')).toBe(true);
  });
});

describe('errors and retries', () => {
  it('retries a 500 and then throws ServerError (not ConnectionError, as the Python client did)', async () => {
    server.use(
      http.get(`${BASE}/api/projects`, () =>
        HttpResponse.json({ detail: 'disk I/O error' }, { status: 500, headers: { 'retry-after-ms': '1' } }),
      ),
    );
    const failure = await client({ maxRetries: 2 })
      .listProjects()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerError);
    expect(failure).toBeInstanceOf(InternalServerError);
    expect(failure).toBeInstanceOf(RunicornAPIError);
    expect(failure).not.toBeInstanceOf(ConnectionError);
    expect(failure).toMatchObject({ name: 'ServerError', status: 500, attempts: 3, message: '500 disk I/O error' });
    expect(requests).toHaveLength(3);
  });

  it('recovers when a retry succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/api/projects`, () =>
        ++calls === 1 ? HttpResponse.json({ detail: 'busy' }, { status: 503, headers: { 'retry-after-ms': '1' } }) : undefined,
      ),
    );
    expect(await client().listProjects()).toEqual(['nlp', 'vision']);
    expect(requests).toHaveLength(2);
  });

  it('raises AuthenticationError when a proxy wants a token, and sends the bearer token it was given', async () => {
    serve({ apiKey: 'proxy-token-123' });
    const failure = await client()
      .listProjects()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect(failure).toMatchObject({ status: 401, message: '401 Not authenticated' });
    vi.stubEnv('RUNICORN_API_KEY', 'proxy-token-123');
    expect(await client().listProjects()).toEqual(['nlp', 'vision']);
    expect(requests.at(-1)?.headers.get('authorization')).toBe('Bearer proxy-token-123');
    const wrong = await client({ apiKey: 'proxy-token-999' })
      .listProjects()
      .catch((error: unknown) => error);
    expect(JSON.stringify(wrong)).not.toContain('proxy-token-999');
  });

  it('refuses plain http to another host only when a token would travel over it', () => {
    expect(client('http://gpu-box.lab:23300').baseURL).toBe('http://gpu-box.lab:23300');
    expect(() => client({ baseURL: 'http://gpu-box.lab:23300', apiKey: 'secret-token' })).toThrow(/plain http/);
  });

  it('maps FastAPI 422 bodies to UnprocessableEntityError with the field in the message', async () => {
    server.use(
      http.get(`${BASE}/api/config`, () =>
        HttpResponse.json({ detail: [{ loc: ['query', 'x'], msg: 'field required', type: 'value_error.missing' }] }, { status: 422 }),
      ),
    );
    const failure = await client()
      .getConfig()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnprocessableEntityError);
    expect(failure).toBeInstanceOf(RunicornAPIError);
    expect((failure as Error).message).toBe('422 field required (query,x)');
  });
});
