// Check 2, every runtime: the same built consumer smoke test on Node 20 (the system's), Node 22,
// Node 24, Bun and Deno. The other runtimes are npm packages installed into a scratch folder
// (cached between runs), never into the repository, so their `node` never shadows the system one.
// The servers are started by the system Node.
//
//   node smoke/runtimes.mjs [--only node22,deno]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsumer } from './lib/consumer-build.mjs';
import { cacheRoot, cleanEnvironment, installTools, Report, run, runChecks, say, seconds, smokeResult } from './lib/harness.mjs';
import { repositorySandboxBin, startTargets } from './lib/targets.mjs';

/** Each runtime: where it comes from and how it runs a JavaScript file. */
export const runtimes = [
  { name: 'node20', tool: undefined, bin: () => process.execPath, command: (entry) => [entry] },
  {
    name: 'node22',
    tool: ['node22', ['node@22']],
    bin: (folder) => join(folder, 'node_modules', '.bin', 'node'),
    command: (entry) => [entry],
  },
  {
    name: 'node24',
    tool: ['node24', ['node@24']],
    bin: (folder) => join(folder, 'node_modules', '.bin', 'node'),
    command: (entry) => [entry],
  },
  {
    name: 'bun',
    tool: ['bun', ['bun@1']],
    bin: (folder) => join(folder, 'node_modules', '.bin', 'bun'),
    command: (entry) => ['run', entry],
  },
  {
    name: 'deno',
    tool: ['deno', ['deno@2']],
    bin: (folder) => join(folder, 'node_modules', '.bin', 'deno'),
    command: (entry) => ['run', '--allow-all', '--no-prompt', entry],
  },
];

function chosenRuntimes() {
  const flag = process.argv.indexOf('--only');
  if (flag < 0) return runtimes;
  const names = new Set(process.argv[flag + 1]?.split(','));
  return runtimes.filter((runtime) => names.has(runtime.name));
}

/**
 * Run check 2; resolves with its report (failures are recorded in it). With `context.installed`
 * (from the registry check) it runs the consumer installed from Verdaccio, else one built against
 * the workspace packages.
 */
export async function runtimesCheck(context = {}) {
  const report = new Report('runtimes');
  try {
    await runtimeSteps(report, context.installed);
  } catch (error) {
    if (!error?.reported) report.record('unexpected error', false, 0, error?.stack ?? String(error));
  }
  return report;
}

async function runtimeSteps(report, installed) {
  const chosen = chosenRuntimes();
  const bins = new Map();
  await report.step('install the runtimes (scratch folder)', async () => {
    // The installs are mostly network waits: run them side by side.
    const installs = await Promise.all(
      chosen.map(async (runtime) => {
        if (!runtime.tool) return { runtime, folder: undefined, cached: true };
        const [name, specs] = runtime.tool;
        const installed = await installTools(name, specs, { check: (folder) => existsSync(runtime.bin(folder)) });
        return { runtime, ...installed };
      }),
    );
    for (const { runtime, folder } of installs) bins.set(runtime.name, runtime.bin(folder));
    const fresh = installs.filter((install) => !install.cached).map((install) => install.runtime.name);
    return `${fresh.length > 0 ? `installed ${fresh.join(', ')}` : 'all cached'} under ${cacheRoot}`;
  });

  let consumer;
  if (installed) {
    consumer = { folder: installed.folder, entry: installed.entry };
    report.record('consumer from the Verdaccio install', true, 0, `${installed.packages.join(', ')} (the published tarballs)`);
  } else {
    await report.step('build the consumer against the workspace (tsc)', async () => {
      consumer = await buildConsumer();
      return `${consumer.entry} in ${seconds(consumer.milliseconds)}`;
    });
  }

  const sandboxBin = installed ? installed.sandboxBin : repositorySandboxBin();
  let targets;
  await report.step('start the servers (system Node)', async () => {
    targets = await startTargets({ sandboxBin, cwd: consumer.folder });
    return targets.describe;
  });
  if (!sandboxBin) report.skip('sandbox', 'no @trainwire/sandbox in this checkout (yet): the service suites do not run');

  const target = JSON.stringify(targets.target);
  const env = cleanEnvironment({ DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(cacheRoot, 'deno-dir'), NO_COLOR: '1' });
  for (const runtime of chosen) {
    const bin = bins.get(runtime.name);
    const started = performance.now();
    let version = '?';
    try {
      const printed = (await run(bin, ['--version'], { env })).stdout;
      version = /\d+\.\d+\.\d+\S*/.exec(printed)?.[0] ?? printed.trim();
      const { stdout } = await run(bin, [...runtime.command(consumer.entry), target], { cwd: consumer.folder, env, timeout: 120_000 });
      const result = smokeResult(stdout);
      const milliseconds = performance.now() - started;
      const ok = Boolean(result) && result.failed === 0 && result.passed > 0;
      console.log(`${runtime.name.padEnd(7)} ${version.padEnd(10)} ${ok ? 'pass' : 'FAIL'} ${seconds(milliseconds)}`);
      if (!ok) for (const line of stdout.trim().split('\n')) say('runtimes', `  ${line}`);
      report.record(`${runtime.name} ${version}`, ok, milliseconds, ok ? `${result.passed} steps passed` : `consumer failed:\n${stdout}`);
    } catch (error) {
      const milliseconds = performance.now() - started;
      console.log(`${runtime.name.padEnd(7)} ${version.padEnd(10)} FAIL ${seconds(milliseconds)}`);
      report.record(`${runtime.name} ${version}`, false, milliseconds, error.message);
    }
  }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) await runChecks([runtimesCheck]);
