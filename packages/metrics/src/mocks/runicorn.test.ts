import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createRunicornMock, runicornService } from './runicorn.js';

const BASE = 'http://127.0.0.1:23300';
type Mock = ReturnType<typeof createRunicornMock>;
const ask = async (mock: Mock, method: string, path: string, body?: unknown) => {
  const request = new Request(`${BASE}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const response = await getResponse(mock.handlers, request);
  if (!response) throw new Error(`no handler answered ${method} ${path}`);
  return { status: response.status, headers: response.headers, body: await response.json() };
};

describe('createRunicornMock', () => {
  it('seeds the same runs, curves and artifacts for the same seed, other ones for another', () => {
    const first = createRunicornMock({ seed: 11 });
    const again = createRunicornMock({ seed: 11 });
    const other = createRunicornMock({ seed: 12 });
    expect(again.state.runs.map((run) => run.id)).toEqual(first.state.runs.map((run) => run.id));
    expect(again.state.runs[0]?.rows).toEqual(first.state.runs[0]?.rows);
    expect(other.state.runs.map((run) => run.id)).not.toEqual(first.state.runs.map((run) => run.id));
    expect(first.state.runs).toHaveLength(7);
    expect(first.state.artifacts.map((artifact) => artifact.name)).toEqual(['imagenet-subset', 'my-model', 'bert-finetuned']);
  });

  it('answers through getResponse (how the sandbox serves it) with the viewer shapes and headers', async () => {
    const mock = createRunicornMock();
    const health = await ask(mock, 'GET', '/api/health');
    expect(health.body).toMatchObject({ status: 'ok', version: '0.5.2', storage: '/data/runicorn' });
    const run = mock.state.runs[2];
    const metrics = await ask(mock, 'GET', `/api/runs/${run?.id}/metrics`);
    expect(metrics.body.columns).toEqual(['global_step', 'accuracy', 'loss', 'lr', 'stage', 'time', 'val_acc']);
    expect(metrics.body.rows[9]).toMatchObject({ global_step: 10, stage: 'val' });
    expect(metrics.headers.get('x-total-count')).toBe('35');
    expect(metrics.headers.get('x-last-step')).toBe('35');
  });

  it('answers the Python client paths the way the real viewer does: 404 and 405', async () => {
    const mock = createRunicornMock();
    expect(await ask(mock, 'GET', '/api/experiments?project=vision')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    expect(await ask(mock, 'GET', `/api/metrics/${mock.state.runs[0]?.id}`)).toMatchObject({ status: 404 });
    expect(await ask(mock, 'POST', '/api/export', { run_id: 'x', format: 'json' })).toMatchObject({ status: 404 });
    expect(await ask(mock, 'GET', '/api/artifacts/my-model:v3')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    expect(await ask(mock, 'PUT', '/api/config', { a: 1 })).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(await ask(mock, 'DELETE', '/api/artifacts/my-model/evaluations')).toMatchObject({ status: 405 });
    expect(await ask(mock, 'GET', '/api/export/x/csv')).toMatchObject({
      status: 501,
      body: { detail: 'Export functionality not available' },
    });
  });

  it('validates like FastAPI with pydantic 1: 422 listing every problem with loc, msg, type and ctx', async () => {
    const mock = createRunicornMock();
    const run = mock.state.runs[0]?.id;
    expect((await ask(mock, 'GET', `/api/runs/${run}/metrics?downsample=5`)).body).toEqual({
      detail: [
        {
          loc: ['query', 'downsample'],
          msg: 'ensure this value is greater than or equal to 100',
          type: 'value_error.number.not_ge',
          ctx: { limit_value: 100 },
        },
      ],
    });
    expect((await ask(mock, 'GET', '/api/v2/experiments?per_page=5000')).body.detail[0]).toMatchObject({
      type: 'value_error.number.not_le',
    });
    expect(await ask(mock, 'GET', '/api/artifacts/my-model/vx')).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['path', 'version'], msg: 'value is not a valid integer', type: 'type_error.integer' }] },
    });
    const lineage = await ask(mock, 'GET', '/api/artifacts/my-model/vx/lineage?max_depth=deep');
    expect(lineage.body.detail.map((item: { loc: string[] }) => item.loc)).toEqual([
      ['path', 'version'],
      ['query', 'max_depth'],
    ]);
    const promote = await ask(mock, 'POST', '/api/artifacts/my-model/vx/promote', {});
    expect(promote.body.detail.map((item: { loc: string[] }) => item.loc)).toEqual([
      ['path', 'version'],
      ['body', 'to_stage'],
    ]);
    expect((await ask(mock, 'GET', '/api/config/column-widths')).body.detail.map((item: { loc: string[] }) => item.loc)).toEqual([
      ['query', 'table'],
      ['query', 'size'],
    ]);
    expect((await ask(mock, 'POST', '/api/remote/connect', { host: 'h' })).body.detail[0].loc).toEqual(['body', 'username']);
    const broken = await ask(mock, 'POST', '/api/remote/connect', '{bad');
    expect(broken.status).toBe(422);
    expect(broken.body.detail[0]).toMatchObject({ loc: ['body', 1], type: 'value_error.jsondecode', ctx: { pos: 1, lineno: 1, colno: 2 } });
    expect((await ask(mock, 'POST', '/api/config/dismissed-alerts/dismiss')).body.detail[0].loc).toEqual(['body', 'alert_id']);
  });

  it('takes null for the fields the viewer declares Optional, as the Python client sends them', async () => {
    const mock = createRunicornMock();
    const connected = await ask(mock, 'POST', '/api/remote/connect', {
      host: 'gpu-01.lab',
      port: 22,
      username: 'ml',
      password: null,
      private_key_path: null,
      passphrase: null,
    });
    expect(connected).toMatchObject({ status: 200, body: { connection_id: 'ml@gpu-01.lab:22' } });
    expect((await ask(mock, 'POST', '/api/remote/connect', { host: 'gpu-01.lab', username: null })).body.detail[0]).toMatchObject({
      loc: ['body', 'username'],
      type: 'type_error.none.not_allowed',
    });
    // An embedded body field (`Body(..., embed=True)`) that is null counts as absent: its default, or "field required".
    expect((await ask(mock, 'POST', '/api/remote/disconnect', { host: 'gpu-01.lab', username: 'ml', port: null })).body).toEqual({
      ok: true,
      message: 'Connection removed',
    });
    expect((await ask(mock, 'POST', '/api/remote/viewer/stop', { session_id: null })).body.detail).toEqual([
      { loc: ['body', 'session_id'], msg: 'field required', type: 'value_error.missing' },
    ]);
    // The viewer's own machine has no SSH server: it refuses, as the real viewer's connect does.
    expect(await ask(mock, 'POST', '/api/remote/connect', { host: '127.0.0.1', port: 1, username: 'u' })).toMatchObject({
      status: 500,
      body: { detail: 'Connection failed: [Errno None] Unable to connect to port 1 on 127.0.0.1' },
    });
  });

  it('grows the running run by wall clock × speed, then finishes it (keeping the pid the SDK recorded)', async () => {
    const mock = createRunicornMock({ speed: 2_000 });
    const running = mock.state.runs.find((run) => run.status === 'running');
    expect(running?.rows).toHaveLength(20);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const detail = await ask(mock, 'GET', `/api/runs/${running?.id}`);
    expect(detail.body.status).toBe('finished');
    expect(detail.body.pid).toBe(running?.pid);
    expect(running?.rows).toHaveLength(200);
  });

  it('serves under a base URL with a path, as the sandbox mounts it', async () => {
    const mock = createRunicornMock({ baseURL: 'http://127.0.0.1:4010/runicorn/' });
    const answer = async (method: string, path: string) => {
      const response = await getResponse(mock.handlers, new Request(`http://127.0.0.1:4010/runicorn${path}`, { method }));
      return { status: response?.status, body: await response?.json() };
    };
    expect(await answer('GET', '/api/projects')).toEqual({ status: 200, body: { projects: ['nlp', 'vision'] } });
    expect(await answer('PUT', '/api/config')).toEqual({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(await answer('GET', '/api/nothing')).toEqual({ status: 404, body: { detail: 'Not Found' } });
  });

  it('stamps every answer with an x-request-id, the same under the same seed, and a 405 with the methods allowed', async () => {
    const ids = async (seed: number) => {
      const mock = createRunicornMock({ seed });
      const answers = [
        await ask(mock, 'GET', '/api/health'),
        await ask(mock, 'GET', '/api/nothing'),
        await ask(mock, 'PUT', '/api/config'),
      ];
      expect(answers[2]?.headers.get('allow')).toBe('GET');
      return answers.map((answer) => answer.headers.get('x-request-id'));
    };
    const first = await ids(4);
    expect(first).toEqual([expect.stringMatching(/^req_[0-9a-f]{24}$/), expect.any(String), expect.any(String)]);
    expect(new Set(first).size).toBe(3);
    expect(await ids(4)).toEqual(first);
    expect(await ids(5)).not.toEqual(first);
  });

  it('exports the operation table for request validation', () => {
    expect(runicornService.name).toBe('runicorn');
    expect(runicornService.operations['GET /api/runs/{run_id}/metrics']?.operationId).toBe('getMetrics');
  });
});
