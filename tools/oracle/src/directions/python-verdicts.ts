import { compareShapes } from '../compare/compare-shapes.js';
import { shapeOf } from '../compare/json-shape.js';
import type { Row, ServiceName } from '../report/outcome.js';
import { defectsFor, showsSymptom, type UpstreamDefect } from '../report/upstream-defects.js';
import type { DriverRecord, DriverRun } from './python-driver.js';

/** Whether the driver did not make the call because one it depends on failed. */
function notReached(record: DriverRecord): boolean {
  return record.skipped === true || record.error?.type === 'NotReached';
}

/** What a call ended with, in one line: `ok`, or the error, its last HTTP status and the sandbox's reason. */
export function describeRecord(record: DriverRecord): string {
  if (record.ok) return 'ok';
  if (notReached(record)) return 'not reached (an earlier call it needs failed)';
  const status = lastStatus(record);
  const problem = record.sandbox?.find((entry) => typeof entry.status === 'number' && entry.status >= 400);
  const sandbox = problem
    ? ` [sandbox ${problem.status} ${problem.method} ${problem.path.split('?')[0]}${problem.problem ? `: ${problem.problem}` : ''}]`
    : '';
  return `${record.error?.type}${status === undefined ? '' : ` (${status})`}: ${record.error?.message ?? ''}`.slice(0, 220) + sandbox;
}

/**
 * The last HTTP status the driver saw the SDK receive. Only what the driver itself saw: against the
 * real server there is no server log, so the sandbox's log must not decide a comparison (an SDK that
 * retries inside urllib3 shows the driver no status on either side).
 */
function lastStatus(record: DriverRecord): number | undefined {
  const last = record.http.filter(([, , status]) => typeof status === 'number').at(-1)?.[2];
  return typeof last === 'number' ? last : undefined;
}

/** The call got a 2xx and still failed: the SDK refused what it was given. */
function refusedAnswer(record: DriverRecord): boolean {
  const status = lastStatus(record);
  return !record.ok && !notReached(record) && status !== undefined && status >= 200 && status < 300;
}

function observed(record: DriverRecord) {
  const type = record.error?.type ?? '';
  return { status: lastStatus(record), errorNames: [type, type.split('.').pop() ?? type], message: record.error?.message };
}

/**
 * Judge a Python SDK's calls against the sandbox. With `real` (tg_tinker, runicorn.api), each call
 * must end against the sandbox as it ends against the real server: both succeed with results of
 * the same shape, or both fail with the same error and status. Without (tinker, whose server is
 * closed source), every call must succeed. A reviewed upstream defect seen on the real side (or,
 * for an SDK defect, on both) makes the row `upstream`.
 */
export function judgePythonCalls(
  service: ServiceName,
  sdk: string,
  runs: { sandbox: DriverRun; real?: DriverRun },
  defects: readonly UpstreamDefect[],
  userData: ReadonlySet<string> = new Set(),
): Row[] {
  const rows: Row[] = [];
  const realByCall = new Map((runs.real?.records ?? []).map((record) => [record.call, record]));
  const calls = [...new Set([...runs.sandbox.records.map((record) => record.call), ...realByCall.keys()])];
  const sandboxByCall = new Map(runs.sandbox.records.map((record) => [record.call, record]));
  for (const name of calls) {
    const call = `${sdk} ${name}`;
    const sandbox = sandboxByCall.get(name);
    const real = realByCall.get(name);
    const row: Row = { service, direction: 'py', call, verdict: 'pass', milliseconds: sandbox?.ms };
    const listed = defectsFor(defects, service, 'py', call);
    const reference = runs.real ? real : sandbox;
    const met = reference && !reference.ok ? listed.find(({ meeting }) => showsSymptom(meeting.symptom, observed(reference))) : undefined;
    if (!sandbox) {
      row.verdict = 'fail';
      row.reason = `never reached against the sandbox${runs.sandbox.crashed ? ` (${runs.sandbox.crashed})` : ''}`;
    } else if (met && met.defect.side === 'server' && refusedAnswer(sandbox)) {
      // The real server is broken here, so the mock may do what was meant; but not answer a 2xx the SDK cannot read.
      row.verdict = 'fail';
      row.reason = `the real server meets ${met.defect.id}; the sandbox answers ${lastStatus(sandbox)} with what the SDK refuses: ${describeRecord(sandbox)}`;
    } else if (met && (met.defect.side === 'server' || (!sandbox.ok && sandbox.error?.type === reference?.error?.type))) {
      row.verdict = 'upstream';
      row.reason = `${met.defect.id}; sandbox: ${describeRecord(sandbox)}`;
    } else if (met) {
      row.verdict = 'fail';
      row.reason = `the real server meets SDK defect ${met.defect.id} (${describeRecord(reference as DriverRecord)}), the sandbox does not: ${describeRecord(sandbox)}`;
    } else if (!runs.real) {
      if (!sandbox.ok) {
        row.verdict = 'fail';
        row.reason = describeRecord(sandbox);
      }
    } else if (!real) {
      row.verdict = 'fail';
      row.reason = `never reached against the real server${runs.real.crashed ? ` (${runs.real.crashed})` : ''}; sandbox: ${describeRecord(sandbox)}`;
    } else {
      const verdict = compareRecords(real, sandbox, userData);
      if (verdict) {
        row.verdict = 'fail';
        row.reason = verdict;
      } else if (!real.ok) row.reason = `fails on both alike: ${describeRecord(real)}`;
    }
    if (row.verdict === 'fail') {
      const shapes =
        real?.ok && sandbox?.ok
          ? compareShapes(shapeOf(real.value), shapeOf(sandbox.value), { schema: undefined, schemas: {}, userData })
          : [];
      row.details = [
        `real: ${real ? describeRecord(real) : '-'}`,
        `sandbox: ${sandbox ? describeRecord(sandbox) : '-'}`,
        ...shapes.map((difference) => `${difference.path}: ${difference.what}`),
        ...(sandbox?.error?.trace ? [sandbox.error.trace] : []),
      ];
    }
    rows.push(row);
  }
  for (const [side, run] of [
    ['sandbox', runs.sandbox],
    ['real server', runs.real],
  ] as const) {
    if (run?.crashed) rows.push({ service, direction: 'py', call: `${sdk} (driver, ${side})`, verdict: 'fail', reason: run.crashed });
  }
  return rows;
}

/** Undefined when the sandbox call ended as the real one did; else why not. */
function compareRecords(real: DriverRecord, sandbox: DriverRecord, userData: ReadonlySet<string>): string | undefined {
  if (real.ok && !sandbox.ok) return `works against the real server, fails against the sandbox: ${describeRecord(sandbox)}`;
  if (!real.ok && sandbox.ok) return `fails against the real server (${describeRecord(real)}), works against the sandbox`;
  if (!real.ok) {
    const [left, right] = [observed(real), observed(sandbox)];
    if (notReached(real) && notReached(sandbox)) return undefined;
    if (left.errorNames[0] !== right.errorNames[0] || left.status !== right.status)
      return `real: ${describeRecord(real)}; sandbox: ${describeRecord(sandbox)}`;
    return undefined;
  }
  const differences = compareShapes(shapeOf(real.value), shapeOf(sandbox.value), { schema: undefined, schemas: {}, userData });
  if (differences.length === 0) return undefined;
  return `result shape: ${differences
    .slice(0, 3)
    .map((difference) => `${difference.path} ${difference.what}`)
    .join('; ')}${differences.length > 3 ? ` (+${differences.length - 3} more)` : ''}`;
}
