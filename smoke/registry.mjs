// Check 1, a real registry: Verdaccio on loopback, `changeset version` + `changeset publish` from a
// scratch clone of the repository, then `npm install @trainwire/...` in a fresh project outside the
// repository, a strict type check of the consumer, the consumer run against the sandbox, and
// `npx middleman --help`. The working tree is never touched.
//
//   node smoke/registry.mjs
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnvironment, Report, repoRoot, run, runChecks, say, seconds, smokeResult, temporaryFolder } from './lib/harness.mjs';
import { startTargets } from './lib/targets.mjs';
import { npmrcFor, startVerdaccio } from './lib/verdaccio.mjs';

/** The packages a user installs, in that order; those not (yet) in the repository are left out. */
export const userPackages = ['@trainwire/tinker', '@trainwire/metrics', '@trainwire/jobs', '@trainwire/sandbox', '@trainwire/core'];
/** Third-party packages the consumer project takes from the public registry through the proxy. */
const toolPackages = ['typescript@5.9.3', '@types/node@20.19.43'];

/** The turbo cache of the repository (a git worktree keeps it beside the main checkout). */
async function turboCacheDir() {
  const local = join(repoRoot, '.turbo', 'cache');
  if (existsSync(local)) return local;
  const { stdout } = await run('git', ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  const shared = join(dirname(stdout.trim()), '.turbo', 'cache');
  return existsSync(shared) ? shared : undefined;
}

/** Every non-private workspace package of a checkout: name, version, folder. */
async function publicPackages(root) {
  const found = [];
  for (const group of ['packages', 'tools']) {
    const folder = join(root, group);
    if (!existsSync(folder)) continue;
    for (const entry of await readdir(folder)) {
      const manifestFile = join(folder, entry, 'package.json');
      if (!existsSync(manifestFile)) continue;
      const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
      if (!manifest.private) found.push({ name: manifest.name, version: manifest.version, folder: join(folder, entry) });
    }
  }
  return found;
}

/** Copy node_modules folders of the repository into the clone (hard links when possible: no bytes copied). */
async function linkNodeModules(clone) {
  const folders = ['.'];
  for (const group of ['packages', 'tools']) {
    if (!existsSync(join(repoRoot, group))) continue;
    for (const entry of await readdir(join(repoRoot, group))) folders.push(join(group, entry));
  }
  let copied = 0;
  for (const folder of folders) {
    const source = join(repoRoot, folder, 'node_modules');
    if (!existsSync(source) || !existsSync(join(clone, folder))) continue;
    // Workspace links inside are relative, so they point at the clone's own packages.
    await run('cp', ['-al', source, join(clone, folder, 'node_modules')]).catch(() =>
      run('cp', ['-a', source, join(clone, folder, 'node_modules')]),
    );
    copied += 1;
  }
  return copied;
}

/**
 * Run check 1; resolves with its report (failures are recorded in it). Sets `context.installed` to
 * the consumer project installed from Verdaccio (kept until the end of the run), so the runtime and
 * browser checks run the published packages too.
 */
export async function registry(context = {}) {
  const report = new Report('registry');
  try {
    await registrySteps(report, context);
  } catch (error) {
    if (!error?.reported) report.record('unexpected error', false, 0, error?.stack ?? String(error));
  }
  return report;
}

async function registrySteps(report, context) {
  let verdaccio;
  await report.step('start Verdaccio', async () => {
    verdaccio = await startVerdaccio();
    return verdaccio.describe;
  });
  const work = await temporaryFolder('registry');
  const npmrc = join(work, 'npmrc');
  await writeFile(npmrc, npmrcFor(verdaccio.url));
  // npm reads only this file as the user config: registry, dummy token, nothing from ~/.npmrc.
  const npmEnv = cleanEnvironment({ npm_config_userconfig: npmrc, npm_config_registry: verdaccio.url });
  const clone = join(work, 'repo');

  await report.step('clone the repository (HEAD)', async () => {
    const { stdout: head } = await run('git', ['rev-parse', 'HEAD']);
    const { stdout: dirty } = await run('git', ['status', '--porcelain', '--untracked-files=no']);
    await run('git', ['clone', '--quiet', '--no-checkout', repoRoot, clone]);
    await run('git', ['-C', clone, 'checkout', '--quiet', '--detach', head.trim()]);
    const modules = await linkNodeModules(clone);
    const note = dirty.trim() ? ' (uncommitted changes of the working tree are not included)' : '';
    return `${head.trim().slice(0, 10)} into ${clone}, ${modules} node_modules linked${note}`;
  });

  await report.step('build in the clone (turbo, reading the repo cache)', async () => {
    const cacheDir = await turboCacheDir();
    const args = ['run', 'build', '--output-logs=errors-only'];
    if (cacheDir) args.push(`--cache-dir=${cacheDir}`, '--cache=local:r');
    const { stdout } = await run(join(clone, 'node_modules', '.bin', 'turbo'), args, {
      cwd: clone,
      env: cleanEnvironment({ TURBO_TELEMETRY_DISABLED: '1' }),
      timeout: 400_000,
    });
    const summary = stdout.match(/Cached:\s+(\d+) cached, (\d+) total/);
    return summary ? `${summary[1]} of ${summary[2]} tasks from cache` : 'built';
  });

  const gitIdentity = {
    GIT_AUTHOR_NAME: 'smoke',
    GIT_AUTHOR_EMAIL: 'smoke@localhost',
    GIT_COMMITTER_NAME: 'smoke',
    GIT_COMMITTER_EMAIL: 'smoke@localhost',
  };
  await report.step('changeset version', async () => {
    await run(join(clone, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: clone, env: { ...npmEnv, ...gitIdentity } });
    const packages = await publicPackages(clone);
    return packages.map((entry) => `${entry.name}@${entry.version}`).join(', ');
  });

  let published = [];
  await report.step('changeset publish to Verdaccio', async () => {
    const { stdout, stderr } = await run(join(clone, 'node_modules', '.bin', 'changeset'), ['publish'], {
      cwd: clone,
      env: { ...npmEnv, ...gitIdentity },
      timeout: 300_000,
    });
    const packages = await publicPackages(clone);
    const missing = [];
    for (const entry of packages) {
      const { stdout: version } = await run('npm', ['view', `${entry.name}@${entry.version}`, 'version'], { cwd: work, env: npmEnv });
      if (version.trim() !== entry.version) missing.push(`${entry.name}@${entry.version}`);
    }
    if (missing.length > 0) throw new Error(`not on the registry after publish: ${missing.join(', ')}\n${stdout}\n${stderr}`);
    published = packages;
    return `${packages.map((entry) => `${entry.name}@${entry.version}`).join(', ')} on the registry`;
  });

  const project = join(await temporaryFolder('consumer-project', { untilEnd: true }), 'project');
  const names = userPackages.filter((name) => published.some((entry) => entry.name === name));
  for (const name of userPackages)
    if (!names.includes(name)) report.skip(`install ${name}`, 'not a published package of this checkout yet');
  await report.step('npm install in a fresh project', async () => {
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'trainwire-smoke-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
    );
    const { milliseconds } = await run('npm', ['install', '--prefer-online', '--loglevel=error', ...names, ...toolPackages], {
      cwd: project,
      env: npmEnv,
      timeout: 300_000,
    });
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8'));
    const installed = names.map((name) => `${name}@${lock.packages[`node_modules/${name}`]?.version}`);
    const strays = Object.entries(lock.packages).filter(
      ([path, entry]) => path.includes('node_modules/@trainwire/') && !String(entry.resolved ?? '').startsWith(verdaccio.url),
    );
    if (strays.length > 0) throw new Error(`@trainwire packages not from Verdaccio: ${strays.map(([path]) => path).join(', ')}`);
    return `${installed.join(', ')} + ${toolPackages.join(', ')} in ${seconds(milliseconds)}`;
  });

  const consumerFolder = join(project, 'consumer');
  await report.step('type-check the consumer (strict, NodeNext)', async () => {
    await cp(join(repoRoot, 'smoke', 'consumer'), consumerFolder, {
      recursive: true,
      filter: (source) => !source.includes(`${'/'}dist`) && !source.includes('node_modules'),
    });
    const { milliseconds } = await run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'consumer'], { cwd: project, env: npmEnv });
    const tsconfig = JSON.parse(await readFile(join(consumerFolder, 'tsconfig.json'), 'utf8'));
    if (tsconfig.compilerOptions.strict !== true) throw new Error('the consumer tsconfig is not strict');
    return `tsc ${tsconfig.compilerOptions.module}, strict, skipLibCheck ${tsconfig.compilerOptions.skipLibCheck}: 0 errors in ${seconds(milliseconds)}`;
  });

  const sandboxBin = names.includes('@trainwire/sandbox') ? join(project, 'node_modules', '.bin', 'trainwire-sandbox') : undefined;
  context.installed = {
    folder: project,
    consumer: consumerFolder,
    entry: join(consumerFolder, 'dist', 'consumer.js'),
    sandboxBin,
    packages: names,
  };
  await report.step('run the consumer on Node', async () => {
    const targets = await startTargets({ sandboxBin, cwd: project });
    const { stdout, milliseconds } = await run(
      process.execPath,
      [join(consumerFolder, 'dist', 'consumer.js'), JSON.stringify(targets.target)],
      {
        cwd: project,
        env: cleanEnvironment(),
        timeout: 120_000,
      },
    );
    const result = smokeResult(stdout);
    if (!result || result.failed > 0 || result.passed === 0) throw new Error(`consumer did not pass:\n${stdout}`);
    for (const line of stdout.trim().split('\n')) say('registry', `  ${line.trim()}`);
    return `${result.passed} steps passed in ${seconds(milliseconds)} against ${targets.describe}`;
  });
  if (!sandboxBin) report.skip('consumer against the sandbox', '@trainwire/sandbox is not published from this checkout yet');

  if (names.includes('@trainwire/jobs')) {
    await report.step('npx middleman --help', async () => {
      const { stdout, stderr } = await run('npx', ['--no-install', 'middleman', '--help'], { cwd: project, env: npmEnv, timeout: 60_000 });
      const text = `${stdout}${stderr}`;
      if (!/usage/i.test(text) || !/jobs/i.test(text)) throw new Error(`unexpected help text:\n${text}`);
      return `${text.trim().split('\n')[0]}`;
    });
  } else {
    report.skip('npx middleman --help', '@trainwire/jobs is not published from this checkout yet');
  }

  if (names.includes('@trainwire/metrics')) {
    await report.step('npx trainwire-metrics --help (its CLI on @trainwire/cli-kit)', async () => {
      const { stdout, stderr } = await run('npx', ['--no-install', 'trainwire-metrics', '--help'], {
        cwd: project,
        env: npmEnv,
        timeout: 60_000,
      });
      const text = `${stdout}${stderr}`;
      if (!/usage/i.test(text) || !/syvain/i.test(text)) throw new Error(`unexpected help text:\n${text}`);
      const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8'));
      const kit = lock.packages['node_modules/@trainwire/cli-kit'];
      if (!String(kit?.resolved ?? '').startsWith(verdaccio.url)) throw new Error('@trainwire/cli-kit was not installed from Verdaccio');
      return `${text.trim().split('\n')[0]}; @trainwire/cli-kit@${kit.version}`;
    });
  } else {
    report.skip('npx trainwire-metrics --help', '@trainwire/metrics is not published from this checkout yet');
  }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) await runChecks([registry]);
