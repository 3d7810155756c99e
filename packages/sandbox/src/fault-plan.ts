import { seededRandom } from '@trainwire/core';
import { DEFAULT_SLOW_MS, FAULT_KINDS, type Fault, type FaultKind, parseFault } from './fault.js';
import { checkFaultOptions, type FaultOptions } from './fault-options.js';

/** The header that asks for a fault on one request; the sandbox removes it before the mock sees it. */
export const FAULT_HEADER = 'x-sandbox-fault';

/** Decides which requests get a fault and counts the faults injected. */
export interface FaultPlan {
  /** The faults for one request to `service`: those its header asks for, else a seeded random draw. */
  choose(headers: Headers, service: string): Fault[];
  /** Replace the random faults (the counts carry on). */
  configure(options: FaultOptions | undefined): void;
  /** Record that a fault was injected. */
  count(kind: FaultKind): void;
  /** Faults injected so far, by kind. */
  counts(): Record<FaultKind, number>;
  /** The wait a 429 asks for, in ms. */
  readonly retryAfterMs: number;
}

/**
 * Build the fault plan of a sandbox. The header `x-sandbox-fault: 503` (or `reset`, `slow=200`,
 * several joined by commas) always wins; otherwise a request gets a random fault with probability
 * `rate`, drawn from a generator seeded with `seed`, one draw per request in arrival order.
 */
export function createFaultPlan(options: FaultOptions = {}, defaultSeed = 1): FaultPlan {
  const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  let settings = read(options, defaultSeed);
  return {
    get retryAfterMs() {
      return settings.retryAfterMs;
    },
    choose(headers, service) {
      const asked = headers.get(FAULT_HEADER);
      if (asked !== null) {
        return asked
          .split(',')
          .filter((token) => token.trim())
          .map((token) => parseFault(token, settings.slowMs));
      }
      const { rate, kinds, services, random } = settings;
      if (rate === 0 || (services && !services.includes(service))) return [];
      const draw = random();
      if (draw >= rate) return [];
      const fault = kinds[Math.min(kinds.length - 1, Math.floor((draw / rate) * kinds.length))];
      return fault ? [fault] : [];
    },
    configure(next) {
      settings = read(next ?? {}, defaultSeed);
    },
    count(kind) {
      injected[kind] += 1;
    },
    counts: () => ({ ...injected }),
  };
}

function read(options: FaultOptions, defaultSeed: number) {
  return {
    kinds: checkFaultOptions(options),
    rate: options.rate ?? 0,
    services: options.services,
    random: seededRandom(options.seed ?? defaultSeed),
    slowMs: options.slowMs ?? DEFAULT_SLOW_MS,
    retryAfterMs: options.retryAfterMs ?? 1000,
  };
}
