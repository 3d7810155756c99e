import type { SandboxRequestEntry } from '@trainwire/sandbox';
import { describe, expect, it } from 'vitest';
import type { UpstreamDefect } from '../report/upstream-defects.js';
import type { DriverRecord } from './python-driver.js';
import { judgePythonCalls } from './python-verdicts.js';

const ok = (call: string, value: unknown = { id: 'x' }): DriverRecord => ({ call, ok: true, ms: 5, value, http: [['GET', '/x', 200]] });
const failed = (call: string, type: string, status?: number, sandbox?: SandboxRequestEntry[]): DriverRecord => ({
  call,
  ok: false,
  ms: 5,
  error: { type, message: 'it broke' },
  http: status === undefined ? [] : [['POST', '/x', status]],
  ...(sandbox ? { sandbox } : {}),
});
const logged = (status: number, problem?: string): SandboxRequestEntry =>
  ({
    service: 'runicorn',
    method: 'POST',
    path: '/api/remote/connect',
    status,
    faults: [],
    durationMs: 1,
    ...(problem ? { problem } : {}),
  }) as SandboxRequestEntry;

const defects: UpstreamDefect[] = [
  {
    id: 'server-bug',
    service: 'tensafe',
    side: 'server',
    cause: 'c',
    source: 'a.py:1',
    meets: [{ direction: 'py', call: 'sdk broken', symptom: { error: 'sdk.ServerError', status: 500 } }],
  },
  {
    id: 'sdk-bug',
    service: 'tensafe',
    side: 'sdk',
    cause: 'c',
    source: 'a.py:2',
    meets: [{ direction: 'py', call: 'sdk misreads', symptom: { error: 'sdk.ServerError', status: 404 } }],
  },
];

const judge = (real: DriverRecord[], sandbox: DriverRecord[]) =>
  Object.fromEntries(
    judgePythonCalls('tensafe', 'sdk', { real: { records: real }, sandbox: { records: sandbox } }, defects).map((row) => [row.call, row]),
  );

describe('judgePythonCalls', () => {
  it('passes a call that fails on both sides alike, judged only by what the driver saw on each', () => {
    // urllib3 retried the 500s inside the SDK: the driver saw no status on either side; the sandbox logged its 500s.
    const rows = judge(
      [failed('connect', 'runicorn.ConnectionError')],
      [failed('connect', 'runicorn.ConnectionError', undefined, [logged(500)])],
    );
    expect(rows['sdk connect']?.verdict).toBe('pass');
    expect(rows['sdk connect']?.reason).toMatch(/^fails on both alike/);
  });

  it('fails a call that works against the real server but not the sandbox, with the sandbox’s reason', () => {
    const rows = judge([ok('get')], [failed('get', 'sdk.BadRequestError', 400, [logged(400, 'body.port expected integer, got null')])]);
    expect(rows['sdk get']?.verdict).toBe('fail');
    expect(rows['sdk get']?.reason).toContain('body.port expected integer, got null');
  });

  it('fails results of different shapes, and different statuses of the same error', () => {
    const rows = judge(
      [ok('list', [{ id: 'a', modified_at: 1 }]), failed('start', 'sdk.ConnectionError', 422)],
      [ok('list', [{ id: 'b' }]), failed('start', 'sdk.ConnectionError', 400)],
    );
    expect(rows['sdk list']?.reason).toBe('result shape: $[].modified_at only the real server sends it (number)');
    expect(rows['sdk start']?.verdict).toBe('fail');
  });

  it('takes a listed server bug seen on the real side as upstream, unless the sandbox answers what the SDK refuses', () => {
    expect(judge([failed('broken', 'sdk.ServerError', 500)], [ok('broken')])['sdk broken']?.verdict).toBe('upstream');
    expect(judge([failed('broken', 'sdk.ServerError', 500)], [failed('broken', 'sdk.ServerError', 503)])['sdk broken']?.verdict).toBe(
      'upstream',
    );
    // The mock "does what was meant" with a 200 the SDK's own model rejects (status "loaded"): still ours to fix.
    const refused = judge([failed('broken', 'sdk.ServerError', 500)], [failed('broken', 'pydantic_core.ValidationError', 200)])[
      'sdk broken'
    ];
    expect(refused?.verdict).toBe('fail');
    expect(refused?.reason).toMatch(/^the real server meets server-bug; the sandbox answers 200 with what the SDK refuses/);
  });

  it('takes a listed SDK bug as upstream only when the sandbox shows it too', () => {
    expect(judge([failed('misreads', 'sdk.ServerError', 404)], [failed('misreads', 'sdk.ServerError', 404)])['sdk misreads']?.verdict).toBe(
      'upstream',
    );
    expect(judge([failed('misreads', 'sdk.ServerError', 404)], [ok('misreads')])['sdk misreads']?.verdict).toBe('fail');
  });

  it('without a real server (tinker), passes exactly the calls that succeed against the sandbox', () => {
    const rows = judgePythonCalls('tinker', 'tinker', { sandbox: { records: [ok('a'), failed('b', 'tinker.NotFoundError', 404)] } }, []);
    expect(rows.map((row) => row.verdict)).toEqual(['pass', 'fail']);
  });
});
