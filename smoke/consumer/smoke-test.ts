// The consumer smoke test, the same on every runtime: it runs each suite whose service the target
// names and returns every step's result. It imports no `node:` module, so Node, Bun, Deno and a
// browser bundle all run exactly this file.
import { runCoreSuite } from './core-suite.js';
import { runJobsSuite } from './jobs-suite.js';
import { runMetricsSuite } from './metrics-suite.js';
import type { StepListener, StepResult } from './steps.js';
import { runTinkerSuite } from './tinker-suite.js';

/** Where the services run: the `export NAME=value` lines the servers printed, as a map. */
export type SmokeTarget = Readonly<Record<string, string | undefined>>;

/** Where the smoke test runs: a browser adds the checks that Node-only features fail clearly. */
export interface SmokeOptions {
  browser?: boolean;
}

/** Run every suite the target has a service for; a target with none is a failure, not a pass. */
export async function runSmokeTest(target: SmokeTarget, listener?: StepListener, options: SmokeOptions = {}): Promise<StepResult[]> {
  const browser = options.browser ?? false;
  const results: StepResult[] = [];
  if (target.SMOKE_CORE_URL && target.SMOKE_CORE_API_KEY) {
    results.push(...(await runCoreSuite({ baseURL: target.SMOKE_CORE_URL, apiKey: target.SMOKE_CORE_API_KEY }, listener)));
  }
  const tinker =
    target.TINKER_BASE_URL && target.TINKER_API_KEY ? { baseURL: target.TINKER_BASE_URL, apiKey: target.TINKER_API_KEY } : undefined;
  const tensafe =
    target.TS_BASE_URL && target.TS_API_KEY
      ? { baseURL: target.TS_BASE_URL, apiKey: target.TS_API_KEY, tenantId: target.TS_TENANT_ID }
      : undefined;
  if (tinker || tensafe) results.push(...(await runTinkerSuite({ tinker, tensafe }, listener, browser)));
  const syvain =
    target.SYVAIN_METRICS_HOST && target.SYVAIN_METRICS_API_KEY
      ? { host: target.SYVAIN_METRICS_HOST, apiKey: target.SYVAIN_METRICS_API_KEY }
      : undefined;
  const runicorn = target.RUNICORN_BASE_URL ? { baseURL: target.RUNICORN_BASE_URL } : undefined;
  if (syvain || runicorn) results.push(...(await runMetricsSuite({ syvain, runicorn }, listener, browser)));
  if (target.MIDDLEMAN_API_URL && target.MIDDLEMAN_API_KEY) {
    results.push(...(await runJobsSuite({ baseURL: target.MIDDLEMAN_API_URL, apiKey: target.MIDDLEMAN_API_KEY }, listener, browser)));
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
  const passed = results.filter((result) => result.ok && !result.skipped).length;
  const failed = results.filter((result) => !result.ok).length;
  const skipped = results.filter((result) => result.skipped).length;
  return `SMOKE RESULT: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/** One readable line per step. */
export function formatStep(result: StepResult): string {
  return `  ${result.skipped ? '-' : result.ok ? '✓' : '✗'} ${result.suite.padEnd(9)} ${result.name.padEnd(44)} ${result.detail}  (${Math.round(result.milliseconds)} ms)`;
}
