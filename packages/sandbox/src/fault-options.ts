import { DEFAULT_SLOW_MS, type Fault, parseFault } from './fault.js';

/** Faults injected at random into every service request (`--fault` on the command line). */
export interface FaultOptions {
  /** The share of requests that get a fault, from 0 to 1. @default 0 */
  rate?: number;
  /** The faults to choose from, as tokens (`'429'`, `'reset'`, `'slow=200'`...). @default ['429', '500', '503', 'reset'] */
  kinds?: readonly string[];
  /** Only requests to these services (by path prefix, e.g. `['metrics']`) get random faults. @default every service */
  services?: readonly string[];
  /** Seed of the random choices, so a run repeats exactly. @default the sandbox's `seed` */
  seed?: number;
  /** Delay of a `slow` fault given without one, in ms. @default 1000 */
  slowMs?: number;
  /** The wait a 429 asks for (`Retry-After`, `Retry-After-Ms`), in ms. @default 1000 */
  retryAfterMs?: number;
}

/** The faults drawn from when `kinds` is not given. */
export const DEFAULT_FAULT_KINDS: readonly string[] = ['429', '500', '503', 'reset'];

const KEYS = new Set(['rate', 'kinds', 'services', 'seed', 'slow-ms', 'retry-after-ms']);
const LISTS = new Set(['kinds', 'services']);

/**
 * Read a `--fault` value such as `rate=0.1,kinds=429,500,reset,slow=200,services=metrics,seed=7`:
 * tokens without a key continue the list (`kinds`, `services`) before them. Throws a `RangeError`
 * naming the part it cannot read.
 */
export function parseFaultOptions(text: string): FaultOptions {
  const options: FaultOptions = {};
  const lists: Record<string, string[]> = { kinds: [], services: [] };
  let current: string | undefined;
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [key = '', value = ''] = part.split('=', 2);
    if (!KEYS.has(key)) {
      const list = current === undefined ? undefined : lists[current];
      if (!list) throw new RangeError(`--fault: unexpected ${JSON.stringify(part)}; write kinds=<kind>,<kind>...`);
      list.push(part);
      continue;
    }
    current = key;
    if (LISTS.has(key)) {
      if (value) lists[key]?.push(value);
      continue;
    }
    const number = Number(value);
    if (value === '' || !Number.isFinite(number)) throw new RangeError(`--fault: ${key} must be a number, got ${JSON.stringify(value)}.`);
    if (key === 'rate') options.rate = number;
    else if (key === 'seed') options.seed = number;
    else if (key === 'slow-ms') options.slowMs = number;
    else options.retryAfterMs = number;
  }
  if (lists.kinds?.length) options.kinds = lists.kinds;
  if (lists.services?.length) options.services = lists.services;
  checkFaultOptions(options);
  return options;
}

/** Check the options and turn the kind tokens into faults; throws a `RangeError` naming the bad value. */
export function checkFaultOptions(options: FaultOptions): Fault[] {
  const rate = options.rate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`Fault rate must be between 0 and 1, got ${rate}.`);
  for (const [name, value] of [
    ['slowMs', options.slowMs],
    ['retryAfterMs', options.retryAfterMs],
  ] as const) {
    if (value !== undefined && !(value >= 0)) throw new RangeError(`Fault ${name} must be a non-negative number, got ${value}.`);
  }
  const kinds = options.kinds ?? DEFAULT_FAULT_KINDS;
  if (rate > 0 && kinds.length === 0) throw new RangeError('Fault kinds must name at least one fault when rate > 0.');
  return kinds.map((kind) => parseFault(kind, options.slowMs ?? DEFAULT_SLOW_MS));
}
