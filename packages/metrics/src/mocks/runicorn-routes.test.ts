import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createRunicornMock } from './runicorn.js';

const BASE = 'http://127.0.0.1:23300';
type Mock = ReturnType<typeof createRunicornMock>;
const ask = async (mock: Mock, method: string, path: string, body?: unknown) => {
  const init: RequestInit = { method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) init.body = JSON.stringify(body);
  const response = await getResponse(mock.handlers, new Request(`${BASE}${path}`, init));
  if (!response) throw new Error(`no handler answered ${method} ${path}`);
  return { status: response.status, body: await response.json() };
};

describe('Runicorn mock: runs and the recycle bin', () => {
  it('moves runs to the recycle bin and back, checking ids as the viewer does (400s of its own)', async () => {
    const mock = createRunicornMock();
    const [first, second] = mock.state.runs.map((run) => run.id);
    expect(await ask(mock, 'POST', '/api/runs/soft-delete', { run_ids: [] })).toEqual({
      status: 400,
      body: { detail: 'run_ids is required and must be a list' },
    });
    expect((await ask(mock, 'POST', '/api/runs/soft-delete', { run_ids: ['../x'] })).body).toEqual({
      detail: 'Invalid run_id format: ../x',
    });
    const missing = '20200101_000000_abcdef';
    expect(await ask(mock, 'POST', '/api/runs/soft-delete', { run_ids: [first, missing] })).toEqual({
      status: 200,
      body: {
        deleted_count: 1,
        results: { [first as string]: { success: true }, [missing]: { success: false, error: 'run not found' } },
        message: 'Soft deleted 1 of 2 runs',
      },
    });
    expect((await ask(mock, 'GET', `/api/runs/${first}`)).status).toBe(404);
    expect((await ask(mock, 'GET', '/api/runs')).body.map((run: { id: string }) => run.id)).not.toContain(first);
    const bin = (await ask(mock, 'GET', '/api/recycle-bin')).body.deleted_runs;
    expect(bin).toEqual([expect.objectContaining({ id: first, delete_reason: 'user_deleted', original_status: 'finished' })]);
    expect((await ask(mock, 'POST', '/api/recycle-bin/restore', { run_ids: [first, second] })).body).toMatchObject({
      restored_count: 1,
      results: { [second as string]: { success: false, error: 'run not deleted' } },
    });
    await ask(mock, 'POST', '/api/runs/soft-delete', { run_ids: [second] });
    expect(await ask(mock, 'POST', '/api/recycle-bin/empty', {})).toEqual({
      status: 400,
      body: { detail: 'Must set confirm=true to permanently delete' },
    });
    expect((await ask(mock, 'POST', '/api/recycle-bin/empty', { confirm: true })).body).toEqual({
      permanently_deleted: 1,
      message: 'Permanently deleted 1 runs',
    });
    expect(mock.state.runs.some((run) => run.id === second)).toBe(false);
  });

  it('lists runs in the viewer order (project, name, newest first), by name with counts left at 0, and the environment', async () => {
    const mock = createRunicornMock();
    const listed = (await ask(mock, 'GET', '/api/runs')).body as { project: string; name: string; created_time: number }[];
    const keys = listed.map((run) => `${run.project}/${run.name}`);
    expect(keys).toEqual([...keys].sort());
    const resnet = listed.filter((run) => run.name === 'resnet50').map((run) => run.created_time);
    expect(resnet).toEqual([...resnet].sort((left, right) => right - left));
    const byName = (await ask(mock, 'GET', '/api/projects/vision/names/resnet50/runs')).body;
    expect(byName.map((run: { artifacts_created_count: number }) => run.artifacts_created_count)).toEqual([0, 0]);
    const run = mock.state.runs[0]?.id;
    expect((await ask(mock, 'GET', `/api/environment/${run}`)).body).toEqual({ available: false });
    expect(await ask(mock, 'GET', '/api/environment/20200101_000000_abcdef')).toEqual({
      status: 404,
      body: { detail: 'Run 20200101_000000_abcdef not found' },
    });
    expect((await ask(mock, 'POST', '/api/status/check')).body).toEqual({
      checked: 1,
      updated: 0,
      message: 'Checked 1 running experiments, updated 0 statuses',
    });
  });

  it('counts metric reads in its incremental cache, as health and cache/stats report them', async () => {
    const mock = createRunicornMock();
    const run = mock.state.runs[0]?.id;
    await ask(mock, 'GET', `/api/runs/${run}/metrics`);
    await ask(mock, 'GET', `/api/runs/${run}/metrics_step`);
    await ask(mock, 'GET', `/api/runs/${run}/metrics`);
    expect((await ask(mock, 'GET', '/api/metrics/cache/stats')).body).toEqual({
      size: 1,
      max_size: 100,
      hits: 2,
      misses: 1,
      incremental_updates: 0,
      hit_rate: 2 / 3,
      incremental_rate: 0,
    });
    expect((await ask(mock, 'GET', '/api/health')).body.cache).toMatchObject({ hit_rate: '66.7%', hits: 2, misses: 1, size: 1 });
  });
});

describe('Runicorn mock: artifacts and the model lifecycle', () => {
  it('serves lineage for a version that does not exist as an empty graph, and 500 below v1', async () => {
    const mock = createRunicornMock();
    expect((await ask(mock, 'GET', '/api/artifacts/my-model/v99/lineage')).body).toEqual({
      root_artifact: 'my-model:v99',
      nodes: [],
      edges: [],
    });
    expect(await ask(mock, 'GET', '/api/artifacts/nope/v1/lineage')).toEqual({ status: 404, body: { detail: 'Artifact not found: nope' } });
    expect(await ask(mock, 'GET', '/api/artifacts/my-model/v0')).toEqual({ status: 500, body: { detail: 'Invalid version number: 0' } });
  });

  it('reports storage stats by type, and soft or permanent deletes as the viewer applies them', async () => {
    const mock = createRunicornMock();
    const stats = (await ask(mock, 'GET', '/api/artifacts/stats')).body;
    expect(stats).toMatchObject({ total_artifacts: 3, total_versions: 6, total_files: 0, dedup_enabled: true });
    expect(stats.by_type.model).toEqual({ count: 2, versions: 4, size_bytes: 94_371_840 + 94_373_888 + 98_568_192 + 438_231_508 });
    expect(await ask(mock, 'DELETE', '/api/artifacts/my-model/v1')).toEqual({
      status: 200,
      body: { success: true, message: 'Soft deleted my-model:v1 locally' },
    });
    expect((await ask(mock, 'GET', '/api/artifacts/my-model/versions')).body).toHaveLength(3);
    expect((await ask(mock, 'DELETE', '/api/artifacts/my-model/v3?permanent=true')).body.message).toBe(
      'Permanently deleted my-model:v3 locally',
    );
    const [listed] = (await ask(mock, 'GET', '/api/artifacts?type=model')).body.filter(
      (item: { name: string }) => item.name === 'my-model',
    );
    expect(listed).toMatchObject({ num_versions: 2, latest_version: 2, aliases: { latest: 2 } });
    expect(await ask(mock, 'DELETE', '/api/artifacts/my-model/v9')).toEqual({ status: 404, body: { detail: 'Version not found' } });
    // The run that made v3 still lists it, from its own record, without metadata.
    const creator = mock.state.runs[1]?.id;
    expect((await ask(mock, 'GET', `/api/runs/${creator}/artifacts`)).body.created[0]).toMatchObject({
      version: 3,
      aliases: [],
      lifecycle_stage: null,
      description: null,
    });
  });

  it('promotes through the lifecycle, records evaluations and reads the producing runs', async () => {
    const mock = createRunicornMock();
    expect(await ask(mock, 'POST', '/api/artifacts/my-model/v1/promote', { to_stage: 'production' })).toEqual({
      status: 400,
      body: { detail: 'Invalid transition from experimental to production' },
    });
    expect((await ask(mock, 'POST', '/api/artifacts/my-model/v1/promote', { to_stage: 'gold' })).body.detail).toBe(
      "Invalid target stage: gold. Must be one of ['experimental', 'staging', 'production', 'archived']",
    );
    expect((await ask(mock, 'POST', '/api/artifacts/my-model/v1/promote', { to_stage: 'staging', notes: null })).body).toEqual({
      ok: true,
      artifact: 'my-model:v1',
      from_stage: 'experimental',
      to_stage: 'staging',
      message: 'Successfully promoted to staging',
    });
    await ask(mock, 'POST', '/api/artifacts/my-model/v1/promote', { to_stage: 'production' });
    const detail = async (version: number) => (await ask(mock, 'GET', `/api/artifacts/my-model/v${version}`)).body.aliases;
    expect([await detail(1), await detail(2)]).toEqual([['latest', 'production'], ['latest']]);
    expect((await ask(mock, 'POST', '/api/artifacts/my-model/v9/promote', { to_stage: 'staging' })).status).toBe(404);

    const evaluation = { model_name: 'x', model_version: 7, evaluation_date: 0, metrics: { acc: 0.9 }, status: 'passed' };
    const recorded = (await ask(mock, 'POST', '/api/artifacts/my-model/v2/evaluate', evaluation)).body;
    expect(recorded).toMatchObject({ ok: true, eval_id: expect.stringMatching(/^my-model_v2_\d+$/) });
    expect(
      (await ask(mock, 'POST', '/api/artifacts/my-model/v2/evaluate', { ...evaluation, metrics: { acc: 'high' } })).body.detail,
    ).toEqual([{ loc: ['body', 'metrics', 'acc'], msg: 'value is not a valid float', type: 'type_error.float' }]);
    expect((await ask(mock, 'GET', '/api/artifacts/my-model/evaluations?version=2')).body).toEqual([
      expect.objectContaining({ id: recorded.eval_id, model_name: 'my-model', model_version: 2, metrics: { acc: 0.9 }, notes: null }),
    ]);
    expect((await ask(mock, 'GET', '/api/artifacts/my-model/evaluations?version=1')).body).toEqual([]);

    const metrics = (await ask(mock, 'GET', '/api/artifacts/my-model/training-metrics')).body;
    expect(metrics).toMatchObject({
      run_id: mock.state.runs[1]?.id,
      run_name: 'resnet50',
      project: 'vision',
      duration_seconds: null,
      status: 'finished',
    });
    expect(metrics.metrics).toMatchObject({ best_metric_name: 'accuracy', best_metric_mode: 'max' });
    expect((await ask(mock, 'GET', '/api/artifacts/my-model/training-metrics?version=9')).body).toBeNull();
    const history = (await ask(mock, 'GET', '/api/artifacts/my-model/performance-history?metric_name=best_metric_mode')).body;
    expect(history.map((item: { version: number; metrics: unknown }) => [item.version, item.metrics])).toEqual([
      [1, { best_metric_mode: 'max' }],
      [2, { best_metric_mode: 'max' }],
      [3, { best_metric_mode: 'max' }],
    ]);
  });
});

describe('Runicorn mock: configuration and preferences', () => {
  it('saves SSH profiles with their secrets hidden from the list', async () => {
    const mock = createRunicornMock();
    await ask(mock, 'POST', '/api/config/ssh_connections', { host: 'h', username: 'u', password: 'p', remember_password: true });
    await ask(mock, 'POST', '/api/config/ssh_connections', { host: 'k', username: 'u', password: 'p', private_key_path: '~/.ssh/id' });
    expect((await ask(mock, 'GET', '/api/config/ssh_connections')).body.connections).toEqual([
      {
        host: 'h',
        port: 22,
        username: 'u',
        name: '',
        remember_password: true,
        auth_method: 'password',
        key: 'h:22@u',
        has_password: true,
        has_private_key: false,
      },
      {
        host: 'k',
        port: 22,
        username: 'u',
        name: '',
        remember_password: false,
        auth_method: 'password',
        private_key_path: '~/.ssh/id',
        key: 'k:22@u',
        has_password: false,
        has_private_key: false,
      },
    ]);
    expect((await ask(mock, 'GET', '/api/config/ssh_connections/h:22@u/details')).body.connection.password).toBe('p');
    expect(await ask(mock, 'GET', '/api/config/ssh_connections/x/details')).toEqual({
      status: 404,
      body: { detail: 'Connection not found: x' },
    });
    expect((await ask(mock, 'DELETE', '/api/config/ssh_connections/x')).body).toEqual({ ok: true, message: 'SSH connection removed' });
  });

  it('keeps column widths and dismissed alerts', async () => {
    const mock = createRunicornMock();
    await ask(mock, 'POST', '/api/config/column-widths', { table: 'runs', size: 'lg', widths: { name: 120 } });
    await ask(mock, 'POST', '/api/config/column-widths', { table: 'runs', size: 'sm', widths: { name: 80 }, window_width: null });
    expect((await ask(mock, 'GET', '/api/config/column-widths?table=runs&size=lg')).body).toEqual({
      table: 'runs',
      size: 'lg',
      widths: { name: 120 },
    });
    expect((await ask(mock, 'POST', '/api/config/column-widths', { table: 'runs', size: 'lg', widths: { name: 'wide' } })).status).toBe(
      422,
    );
    await ask(mock, 'DELETE', '/api/config/column-widths?table=runs&size=lg');
    expect((await ask(mock, 'GET', '/api/config/column-widths?table=runs&size=lg')).body.widths).toEqual({});
    await ask(mock, 'POST', '/api/config/column-widths/reset?table=runs');
    expect((await ask(mock, 'GET', '/api/config/column-widths?table=runs&size=sm')).body.widths).toEqual({});

    await ask(mock, 'POST', '/api/config/dismissed-alerts/dismiss', { alert_id: 'disk' });
    await ask(mock, 'POST', '/api/config/dismissed-alerts/dismiss', { alert_id: 'gpu' });
    expect((await ask(mock, 'POST', '/api/config/dismissed-alerts/undismiss', { alert_id: 'disk' })).body.message).toBe(
      "Alert 'disk' restored",
    );
    expect((await ask(mock, 'GET', '/api/config/dismissed-alerts')).body).toEqual({ dismissed_alerts: ['gpu'] });
    await ask(mock, 'POST', '/api/config/dismissed-alerts/clear');
    expect((await ask(mock, 'GET', '/api/config/dismissed-alerts')).body).toEqual({ dismissed_alerts: [] });
  });

  it('reports the host like psutil, and no temperature sensors', async () => {
    const mock = createRunicornMock();
    const monitor = (await ask(mock, 'GET', '/api/system/monitor')).body;
    expect(Object.keys(monitor)).toEqual(['available', 'ts', 'cpu', 'memory', 'disk', 'platform']);
    expect(monitor.cpu.per_core).toHaveLength(monitor.cpu.logical_count);
    expect((await ask(mock, 'GET', '/api/system/temperatures')).body).toEqual({
      available: false,
      reason: 'Temperature sensors not available',
    });
  });
});

describe('Runicorn mock: remote hosts', () => {
  it('reads environments and configuration of a connected host, and refuses unknown or malformed connection ids', async () => {
    const mock = createRunicornMock();
    await ask(mock, 'POST', '/api/remote/connect', { host: 'gpu-01.lab', username: 'ml' });
    const envs = (await ask(mock, 'GET', '/api/remote/conda-envs?connection_id=ml@gpu-01.lab:22')).body;
    expect(envs.envs.map((env: { name: string; type: string }) => `${env.type}:${env.name}`)).toEqual([
      'conda:base',
      'conda:torch',
      'system:system',
    ]);
    expect((await ask(mock, 'GET', '/api/remote/config?connection_id=ml@gpu-01.lab:22&conda_env=torch')).body).toMatchObject({
      ok: true,
      condaEnv: 'torch',
      pythonVersion: 'Python 3.10.14',
      connectionId: 'ml@gpu-01.lab:22',
    });
    expect((await ask(mock, 'GET', '/api/remote/config?connection_id=ml@gpu-01.lab:22&conda_env=none')).status).toBe(404);
    expect(await ask(mock, 'GET', '/api/remote/conda-envs?connection_id=nonsense')).toEqual({
      status: 400,
      body: { detail: 'Invalid connection_id format: nonsense' },
    });
    expect((await ask(mock, 'GET', '/api/remote/fs/list?connection_id=ml@gpu-01.lab:22&path=/nope')).status).toBe(500);
    await ask(mock, 'POST', '/api/remote/connections/saved', [{ host: 'h' }]);
    expect((await ask(mock, 'GET', '/api/remote/connections/saved')).body).toEqual({ ok: true, connections: [{ host: 'h' }] });
    expect((await ask(mock, 'POST', '/api/remote/connections/saved', { host: 'h' })).status).toBe(422);
  });
});

describe('Runicorn mock: the v2 index', () => {
  it('soft-deletes in the index only, which the file routes ignore', async () => {
    const mock = createRunicornMock();
    const run = mock.state.runs[0]?.id as string;
    expect((await ask(mock, 'POST', '/api/v2/experiments/batch-delete', { exp_ids: [run] })).body).toEqual({
      deleted_count: 1,
      results: { [run]: { success: true } },
      message: 'Soft deleted 1 of 1 runs',
    });
    expect((await ask(mock, 'POST', '/api/v2/experiments/batch-delete', { exp_ids: [run] })).body.results[run]).toEqual({ success: false });
    expect((await ask(mock, 'GET', '/api/v2/experiments')).body.total).toBe(6);
    expect((await ask(mock, 'GET', '/api/v2/experiments?include_deleted=true')).body.total).toBe(7);
    expect((await ask(mock, 'GET', '/api/runs')).body).toHaveLength(7);
    expect((await ask(mock, 'GET', `/api/v2/experiments/${run}`)).body).toMatchObject({
      experiment: { id: run },
      metrics_summary: { total_data_points: 0, available_metrics: [], step_range: null },
      environment_available: false,
    });
    expect(await ask(mock, 'POST', '/api/v2/experiments/batch-delete', {})).toEqual({
      status: 400,
      body: { detail: 'exp_ids is required' },
    });
  });

  it('answers the fast metrics and the analytics from an index the SDK never fills', async () => {
    const mock = createRunicornMock();
    const run = mock.state.runs[0]?.id;
    expect((await ask(mock, 'GET', `/api/v2/experiments/${run}/metrics/fast?metric_names=loss&step_range=1:5`)).body).toMatchObject({
      columns: ['global_step', 'loss'],
      rows: [],
      total_points: 0,
      applied_filters: { metrics: ['loss'], step_range: [1, 5], downsampled: false },
    });
    expect((await ask(mock, 'GET', `/api/v2/experiments/${run}/metrics/fast?step_range=oops`)).status).toBe(400);
    expect((await ask(mock, 'GET', '/api/v2/analytics/overview')).body.overview).toMatchObject({
      total_experiments: 7,
      active_experiments: 7,
    });
    expect((await ask(mock, 'GET', '/api/v2/analytics/projects?days=7')).body).toMatchObject({ projects: [], analysis_period_days: 7 });
    expect((await ask(mock, 'GET', '/api/v2/analytics/performance-trends')).status).toBe(422);
    expect((await ask(mock, 'GET', '/api/v2/analytics/health')).body).toMatchObject({ health_status: 'excellent', health_score: 100 });
  });
});

describe('Runicorn mock: archive import', () => {
  const events = [1, 2].map((step) =>
    JSON.stringify({ ts: step, type: 'metrics', data: { global_step: step, loss: 1 / step, stage: 'train' } }),
  );
  const runFiles = (prefix: string): [string, string][] => [
    [
      `${prefix}/meta.json`,
      JSON.stringify({ id: '20250301_120000_abcdef', project: 'audio', name: 'wav2vec', created_at: 1_740_830_400, pid: 7 }),
    ],
    [`${prefix}/status.json`, JSON.stringify({ status: 'finished' })],
    [`${prefix}/events.jsonl`, `${events.join('\n')}\n`],
    ['../escape.txt', 'skipped'],
  ];

  it('imports the runs of a tar.gz, skipping paths that leave the storage root', async () => {
    const mock = createRunicornMock();
    const form = new FormData();
    form.set('file', new File([await tarGz(runFiles('audio/wav2vec/runs/20250301_120000_abcdef'))], 'runs.tar.gz'));
    expect((await ask(mock, 'POST', '/api/import/archive', form)).body).toEqual({
      ok: true,
      imported_files: 3,
      new_run_dirs: ['/data/runicorn/audio/wav2vec/runs/20250301_120000_abcdef'],
      new_run_ids: ['20250301_120000_abcdef'],
      storage: '/data/runicorn',
    });
    const metrics = (await ask(mock, 'GET', '/api/runs/20250301_120000_abcdef/metrics')).body;
    expect(metrics).toMatchObject({ columns: ['global_step', 'loss', 'stage'], total: 2 });
    expect(metrics.rows[1]).toEqual({ global_step: 2, loss: 0.5, stage: 'train' });
  });

  it('imports a zip, and refuses what is neither', async () => {
    const mock = createRunicornMock();
    const form = new FormData();
    form.set('file', new File([zip(runFiles('audio/wav2vec/runs/20250301_120000_abcdef'))], 'runs.zip'));
    expect((await ask(mock, 'POST', '/api/import/archive', form)).body.new_run_ids).toEqual(['20250301_120000_abcdef']);
    const broken = new FormData();
    broken.set('file', new File(['not an archive'], 'runs.bin'));
    expect((await ask(mock, 'POST', '/api/import/archive', broken)).status).toBe(400);
    expect((await ask(mock, 'POST', '/api/import/archive', new FormData())).body.detail[0].loc).toEqual(['body', 'file']);
  });
});

/** A ustar archive of `files`, gzip'd. */
async function tarGz(files: [string, string][]): Promise<Uint8Array<ArrayBuffer>> {
  const encoder = new TextEncoder();
  const blocks: Uint8Array[] = [];
  for (const [path, content] of files) {
    const data = encoder.encode(content);
    const header = new Uint8Array(512);
    const put = (text: string, offset: number) => header.set(encoder.encode(text), offset);
    put(path, 0);
    put('0000644\0', 100);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put('        ', 148);
    put('0', 156);
    put('ustar\0' + '00', 257);
    const sum = header.reduce((total, byte) => total + byte, 0);
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const stream = new Blob(blocks as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A zip of `files`, stored without compression. */
function zip(files: [string, string][]): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [path, content] of files) {
    const name = encoder.encode(path);
    const data = encoder.encode(content);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, name.length, true);
    parts.push(new Uint8Array(local.buffer), name, data);
    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint32(20, data.length, true);
    entry.setUint32(24, data.length, true);
    entry.setUint16(28, name.length, true);
    entry.setUint32(42, offset, true);
    central.push(new Uint8Array(entry.buffer), name);
    offset += 30 + name.length + data.length;
  }
  const size = central.reduce((total, part) => total + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const bytes = new Uint8Array(all.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of all) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
