import type { Row, ServiceName } from '../report/outcome.js';
import { defectsFor, showsSymptom, type UpstreamDefect } from '../report/upstream-defects.js';

/** What a check gets: a signal that aborts when its deadline passes (pass it to every call). */
export interface CheckContext {
  signal: AbortSignal;
}

/** One documented call of our client against the real server, with what it must return. */
export interface Check {
  call: string;
  run(context: CheckContext): Promise<void>;
  /** Let the next checks run while this one waits (a future); it must not change what they read. */
  background?: boolean;
}

/** A check's own assertion failed: the call answered, with the wrong thing. */
export class CheckFailedError extends Error {
  override readonly name = 'CheckFailedError';
}

/** Throw {@link CheckFailedError} with `message` unless `condition` holds. */
export function assertThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailedError(message);
}

/** Expect `call` to reject with an instance of `errorClass` (its `instanceof`, which the SDK's branded classes define); return it. */
export async function expectError(call: Promise<unknown>, errorClass: abstract new (...args: never[]) => Error): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await call;
  } catch (error) {
    assertThat(error instanceof errorClass, `expected ${errorClass.name}, got ${describeError(error)}`);
    return error;
  }
  throw new CheckFailedError(`expected ${errorClass.name}, got an answer: ${JSON.stringify(outcome)?.slice(0, 200)}`);
}

/** The error's class name and every ancestor's (and its `name`), for matching a listed defect. */
export function errorNames(error: unknown): string[] {
  const names = new Set<string>();
  if (error instanceof Error) names.add(error.name);
  for (
    let prototype = Object.getPrototypeOf(error);
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    if (prototype.constructor?.name) names.add(prototype.constructor.name);
  }
  return [...names];
}

/** `ServerError (500): Internal Server Error`, one line. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { status?: unknown }).status;
  const text = `${error.name}${typeof status === 'number' ? ` (${status})` : ''}: ${error.message}`;
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/**
 * Run checks in order, each with a deadline (its signal aborts, and the check is failed if it still
 * has not ended), and judge each against the reviewed upstream defects: a check that meets one
 * passes as `upstream` only if it ended with that entry's typed error within its time bound. A
 * `background` check (one that mostly waits, like a future) is started in its turn but not waited
 * for: the next checks run meanwhile, and the rows keep the checks' order.
 */
export async function runChecks(service: ServiceName, checks: readonly Check[], defects: readonly UpstreamDefect[]): Promise<Row[]> {
  const rows: Promise<Row>[] = [];
  for (const check of checks) {
    const row = runCheck(service, check, defects);
    rows.push(row);
    if (!check.background) await row;
  }
  return Promise.all(rows);
}

async function runCheck(service: ServiceName, check: Check, defects: readonly UpstreamDefect[]): Promise<Row> {
  const listed = defectsFor(defects, service, 'ts', check.call);
  const boundMs = Math.max(45_000, ...listed.map(({ meeting }) => (meeting.withinMs ?? 0) + 15_000));
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    check.run({ signal: controller.signal }).then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    new Promise<{ ok: false; error: 'deadline' }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, error: 'deadline' }), boundMs);
    }),
  ]);
  clearTimeout(timer);
  controller.abort();
  const milliseconds = Math.round(performance.now() - started);
  const row: Row = { service, direction: 'ts', call: check.call, verdict: 'pass', milliseconds };
  if (outcome.ok) return row;
  const ended = outcome.error === 'deadline' ? `no answer after ${boundMs / 1000} s` : describeError(outcome.error);
  const names = outcome.error === 'deadline' ? [] : errorNames(outcome.error);
  const status = (outcome.error as { status?: number } | undefined)?.status;
  const met = listed.find(({ meeting }) => showsSymptom(meeting.symptom, { errorNames: names, status }));
  const took = `${(milliseconds / 1000).toFixed(1)} s`;
  if (met && milliseconds <= (met.meeting.withinMs ?? 0)) {
    row.verdict = 'upstream';
    row.reason = `${met.defect.id}: ended with ${met.meeting.symptom.error} in ${took} (bound ${(met.meeting.withinMs ?? 0) / 1000} s)`;
  } else if (listed.length > 0) {
    const expected = [...new Set(listed.map(({ meeting }) => `${meeting.symptom.error} within ${(meeting.withinMs ?? 0) / 1000} s`))];
    row.verdict = 'fail';
    row.reason = `meets upstream ${listed[0]?.defect.id}: expected ${expected.join(' or ')}, got ${outcome.error === 'deadline' ? ended : `${ended} after ${took}`}`;
  } else {
    row.verdict = 'fail';
    row.reason = ended;
  }
  if (outcome.error instanceof Error && outcome.error.stack) row.details = outcome.error.stack.split('\n').slice(0, 8);
  return row;
}
