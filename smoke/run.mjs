// `npm run smoke`: the three install-and-run proofs in order (a real registry, every runtime, a
// browser), one summary table with timings, and a non-zero exit when any step failed.
//
//   node smoke/run.mjs [--skip registry,runtimes,browser]
import { browserCheck } from './browser.mjs';
import { runChecks } from './lib/harness.mjs';
import { registry } from './registry.mjs';
import { runtimesCheck } from './runtimes.mjs';

const checks = { registry, runtimes: runtimesCheck, browser: browserCheck };
const flag = process.argv.indexOf('--skip');
const skipped = new Set(flag > 0 ? (process.argv[flag + 1] ?? '').split(',') : []);
for (const name of skipped) if (!(name in checks)) throw new Error(`--skip ${name}: no such check (${Object.keys(checks).join(', ')})`);

await runChecks(Object.entries(checks).flatMap(([name, check]) => (skipped.has(name) ? [] : [check])));
