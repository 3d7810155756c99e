// The command-line consumer: `node consumer.js '<target JSON>'` (or with no argument, the target is
// read from the environment, e.g. after `eval "$(trainwire-sandbox)"`). It prints one line per step
// and `SMOKE RESULT: N passed, N failed`, and exits non-zero when a step failed. It runs unchanged on
// Node, Bun and Deno.
import { formatStep, runSmokeTest, type SmokeTarget, summaryLine } from './smoke-test.js';

const argument = process.argv[2];
const target: SmokeTarget = argument ? (JSON.parse(argument) as SmokeTarget) : process.env;
const results = await runSmokeTest(target, (result) => console.log(formatStep(result)));
console.log(summaryLine(results));
if (results.some((result) => !result.ok)) process.exitCode = 1;
