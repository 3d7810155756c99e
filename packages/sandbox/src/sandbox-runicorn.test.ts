import { splitOperationKey } from '@trainwire/core';
import { runicornService } from '@trainwire/metrics/msw';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxServices } from './sandbox-services.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';

let sandbox: Sandbox<Pick<typeof sandboxServices, 'runicorn'>>;

afterEach(async () => {
  await sandbox?.close();
});

const start = async () => {
  sandbox = await startSandbox({ services: { runicorn: sandboxServices.runicorn } });
  return sandbox;
};
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${sandbox.urls.runicorn}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: await response.json() };
};

// A body the viewer takes for each operation that needs one.
const BODIES: Record<string, unknown> = {
  softDeleteRuns: { run_ids: ['20200101_000000_abcdef'] },
  restoreRuns: { run_ids: ['20200101_000000_abcdef'] },
  emptyRecycleBin: { confirm: true },
  setUserRoot: { path: '/data/runicorn' },
  saveSshConnection: { host: 'h', username: 'u' },
  tagExperiment: { run_id: 'x', tags: ['a'] },
  deleteExperiments: { run_ids: ['x'] },
  promoteModel: { to_stage: 'staging' },
  evaluateModel: { model_name: 'my-model', model_version: 2, evaluation_date: 0, metrics: { acc: 1 }, status: 'passed' },
  saveColumnWidths: { table: 'runs', size: 'lg', widths: { name: 100 } },
  dismissAlert: { alert_id: 'a' },
  undismissAlert: { alert_id: 'a' },
  connectRemote: { host: 'gpu-01.lab', username: 'ml', private_key_path: null },
  disconnectRemote: { host: 'gpu-01.lab', username: 'ml' },
  startRemoteViewer: { host: 'gpu-01.lab', username: 'ml', remote_root: '/data/runicorn', local_port: null },
  stopRemoteViewer: { session_id: 'missing' },
  saveConnectionConfig: [{ host: 'h' }],
  batchDeleteExperimentsV2: { exp_ids: ['20200101_000000_abcdef'] },
};
// Required query parameters.
const QUERIES: Record<string, string> = {
  getColumnWidths: '?table=runs&size=lg',
  resetColumnWidths: '?table=runs',
  resetColumnWidthPreferences: '?table=runs',
  listCondaEnvs: '?connection_id=ml@gpu-01.lab:22',
  getRemoteConfig: '?connection_id=ml@gpu-01.lab:22',
  listRemoteDirectory: '?connection_id=ml@gpu-01.lab:22',
  checkRemotePathExists: '?connection_id=ml@gpu-01.lab:22&path=/data',
  getPerformanceTrends: '?metric_name=loss',
};

describe('the Runicorn viewer in the sandbox', () => {
  it('answers every route of its spec (501 only where the released viewer does) and keeps to the spec', async () => {
    await start();
    const run = sandbox.mocks.runicorn.state.runs[0]?.id as string;
    const values: Record<string, string> = {
      run_id: run,
      exp_id: run,
      artifact_name: 'my-model',
      name: 'my-model',
      version: '2',
      project: 'vision',
      key: 'h:22@u',
      session_id: 'missing',
    };
    const answers: string[] = [];
    await call('POST', '/api/remote/connect', BODIES.connectRemote);
    for (const [key, operation] of Object.entries(runicornService.operations)) {
      const { method, path } = splitOperationKey(key);
      if (operation.operationId === 'importArchive' || operation.operationId === 'setUserRoot') continue;
      const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? name);
      const answer = await call(method, `${filled}${QUERIES[operation.operationId] ?? ''}`, BODIES[operation.operationId]);
      answers.push(`${answer.status} ${operation.operationId}`);
      if (answer.status === 501) expect(operation.responses['501'], `${operation.operationId} answered 501`).toBeDefined();
    }
    expect(answers.filter((answer) => answer.startsWith('5') && !answer.startsWith('501'))).toEqual([]);
    expect(sandbox.violations()).toEqual([]);
  });

  it('refuses what breaks the spec as the viewer does: FastAPI 422, 404 and 405 with a detail', async () => {
    await start();
    const run = sandbox.mocks.runicorn.state.runs[0]?.id;
    expect(await call('GET', `/api/runs/${run}/metrics?downsample=5`)).toEqual({
      status: 422,
      body: {
        detail: [
          {
            loc: ['query', 'downsample'],
            msg: 'ensure this value is greater than or equal to 100',
            type: 'value_error.number.not_ge',
            ctx: { limit_value: 100 },
          },
        ],
      },
    });
    expect(await call('GET', '/api/artifacts/my-model/vx')).toEqual({
      status: 422,
      body: { detail: [{ loc: ['path', 'version'], msg: 'value is not a valid integer', type: 'type_error.integer' }] },
    });
    // Every location with a problem is listed, as FastAPI lists them.
    expect(
      (await call('GET', '/api/artifacts/my-model/vx/lineage?max_depth=deep')).body.detail.map((item: { loc: unknown }) => item.loc),
    ).toEqual([
      ['path', 'version'],
      ['query', 'max_depth'],
    ]);
    expect((await call('POST', '/api/remote/connect', { host: 'h' })).body).toEqual({
      detail: [{ loc: ['body', 'username'], msg: 'field required', type: 'value_error.missing' }],
    });
    const broken = await call('POST', '/api/remote/connect', '{bad');
    expect(broken.status).toBe(422);
    expect(broken.body.detail[0]).toMatchObject({ loc: ['body', 1], type: 'value_error.jsondecode' });
    expect(await call('GET', '/api/experiments')).toEqual({ status: 404, body: { detail: 'Not Found' } });
    expect(await call('PUT', '/api/config')).toEqual({ status: 405, body: { detail: 'Method Not Allowed' } });
  });

  it("takes null for the viewer's Optional fields, as the real Python client's remote.connect sends them", async () => {
    await start();
    const connected = await call('POST', '/api/remote/connect', {
      host: 'gpu-01.lab',
      port: 22,
      username: 'ml',
      password: null,
      private_key_path: null,
      passphrase: null,
    });
    expect(connected).toEqual({
      status: 200,
      body: { ok: true, connection_id: 'ml@gpu-01.lab:22', host: 'gpu-01.lab', port: 22, username: 'ml', connected: true },
    });
    expect(sandbox.violations()).toEqual([]);
  });
});
