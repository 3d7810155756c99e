import { readFileSync } from 'node:fs';
import type { Direction, ServiceName } from './outcome.js';

/** What a defect looks like where it shows: an HTTP status, an error class, words in the message. */
export interface Symptom {
  status?: number;
  /** An error class name, matched against the error's class and its ancestors (`ServerError`, `tg_tinker.ServerError`). */
  error?: string;
  message?: string;
}

/** One place the defect is met: a call in one direction. */
export interface DefectMeeting {
  direction: Direction;
  /** The row's call, exactly as the table prints it. */
  call: string;
  /** How the real side shows the defect (for `py` and `diff`: the real server's answer; for `ts`: the error our client must end with). */
  symptom: Symptom;
  /** `ts` only: our client must end with the error of `symptom` within this many milliseconds. */
  withinMs?: number;
}

/** A reviewed upstream defect: the calls it breaks and the cause in the upstream source. */
export interface UpstreamDefect {
  id: string;
  service: ServiceName;
  /** `server`: the real server misbehaves (a mock may do what was meant); `sdk`: the Python SDK does (the sandbox must show the same). */
  side: 'server' | 'sdk';
  cause: string;
  /** `path:line` in the upstream tarball. */
  source: string;
  meets: DefectMeeting[];
}

/** Load and check tools/oracle/upstream-defects.json. */
export function loadUpstreamDefects(file: string): UpstreamDefect[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { defects?: unknown };
  if (!Array.isArray(parsed.defects)) throw new Error(`${file}: expected { "defects": [...] }`);
  const ids = new Set<string>();
  for (const defect of parsed.defects as UpstreamDefect[]) {
    const where = `${file}: defect ${JSON.stringify(defect.id)}`;
    if (typeof defect.id !== 'string' || ids.has(defect.id)) throw new Error(`${where}: ids must be unique strings`);
    ids.add(defect.id);
    if (!['runicorn', 'tensafe', 'tinker'].includes(defect.service)) throw new Error(`${where}: unknown service`);
    if (defect.side !== 'server' && defect.side !== 'sdk') throw new Error(`${where}: side must be "server" or "sdk"`);
    if (!defect.cause || !/:\d+/.test(defect.source ?? '')) throw new Error(`${where}: needs a cause and a source "path:line"`);
    if (!Array.isArray(defect.meets) || defect.meets.length === 0) throw new Error(`${where}: needs the calls it meets`);
    for (const meeting of defect.meets) {
      if (!['ts', 'py', 'diff'].includes(meeting.direction) || !meeting.call || !meeting.symptom)
        throw new Error(`${where}: each meeting needs a direction, a call and a symptom`);
      if (meeting.direction === 'ts' && !(meeting.symptom.error && meeting.withinMs))
        throw new Error(`${where}: a ts meeting names the typed error our client must end with and withinMs`);
    }
  }
  return parsed.defects as UpstreamDefect[];
}

/** The defects listed for one call in one direction. */
export function defectsFor(
  defects: readonly UpstreamDefect[],
  service: ServiceName,
  direction: Direction,
  call: string,
): { defect: UpstreamDefect; meeting: DefectMeeting }[] {
  return defects.flatMap((defect) =>
    defect.service === service
      ? defect.meets.filter((meeting) => meeting.direction === direction && meeting.call === call).map((meeting) => ({ defect, meeting }))
      : [],
  );
}

/** Whether an observed outcome shows the symptom. `errorNames`: the error's class and its ancestors. */
export function showsSymptom(symptom: Symptom, observed: { status?: number; errorNames?: readonly string[]; message?: string }): boolean {
  if (symptom.status !== undefined && symptom.status !== observed.status) return false;
  if (symptom.error !== undefined && !(observed.errorNames ?? []).includes(symptom.error)) return false;
  if (symptom.message !== undefined && !(observed.message ?? '').includes(symptom.message)) return false;
  return true;
}
