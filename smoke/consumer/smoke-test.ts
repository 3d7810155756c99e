// The consumer smoke test, the same on every runtime: it runs each suite whose service the target
// names and returns every step's result. It imports no `node:` module, so Node, Bun, Deno and a
// browser bundle all run exactly this file.
import { runCoreSuite } from './core-suite.js';
import type { StepListener, StepResult } from './steps.js';

/** Where the services run: the `export NAME=value` lines the servers printed, as a map. */
export type SmokeTarget = Readonly<Record<string, string | undefined>>;

/** Run every suite the target has a service for; a target with none is a failure, not a pass. */
export async function runSmokeTest(target: SmokeTarget, listener?: StepListener): Promise<StepResult[]> {
  const results: StepResult[] = [];
  if (target.SMOKE_CORE_URL && target.SMOKE_CORE_API_KEY) {
    results.push(...(await runCoreSuite({ baseURL: target.SMOKE_CORE_URL, apiKey: target.SMOKE_CORE_API_KEY }, listener)));
  }
  if (results.length === 0) {
    const result = { suite: 'target', name: 'find a service to test', ok: false, detail: 'the target names no service', milliseconds: 0 };
    listener?.(result);
    results.push(result);
  }
  return results;
}

/** The closing line every runner prints and the harness reads. */
export function summaryLine(results: readonly StepResult[]): string {
  const passed = results.filter((result) => result.ok).length;
  return `SMOKE RESULT: ${passed} passed, ${results.length - passed} failed`;
}

/** One readable line per step. */
export function formatStep(result: StepResult): string {
  return `  ${result.ok ? '✓' : '✗'} ${result.suite.padEnd(9)} ${result.name.padEnd(44)} ${result.detail}  (${Math.round(result.milliseconds)} ms)`;
}
