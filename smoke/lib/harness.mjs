// Shared plumbing of the smoke checks: where scratch files go, running commands with a time and a
// readable failure, starting and stopping servers, and cleaning up whatever happens.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository the smoke checks run from. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Tools installed from npm for the checks (Verdaccio, runtimes, playwright-core) live here, reused between runs. */
export const cacheRoot = process.env.TRAINWIRE_SMOKE_CACHE ?? join(tmpdir(), 'trainwire-smoke-cache');

/** Keep temporary folders after the run (for debugging a failure). */
const keepTemp = process.env.TRAINWIRE_SMOKE_KEEP === '1';

const cleanups = [];
/** Cleanups that wait for the end of the whole run (what one check hands to the next). */
const finalCleanups = [];
let cleaningUp;

/**
 * Run `action` when the check ends, normally, on a failure or on SIGINT/SIGTERM (last registered
 * first); with `untilEnd`, only when the whole run ends.
 */
export function onCleanup(action, { untilEnd = false } = {}) {
  (untilEnd ? finalCleanups : cleanups).push(action);
}

/** Run the registered cleanups once (with `final`, also those kept until the end). */
export async function cleanUp({ final = false } = {}) {
  cleaningUp ??= (async () => {
    const lists = final ? [cleanups, finalCleanups] : [cleanups];
    for (const list of lists) {
      while (list.length > 0) {
        const action = list.pop();
        try {
          await action();
        } catch (error) {
          console.error(`cleanup failed: ${error?.message ?? error}`);
        }
      }
    }
  })();
  await cleaningUp;
  cleaningUp = undefined;
}

/** Long-running children (servers); killed at once if this process exits without cleaning up. */
const servers = new Set();

/** Remember a server child so it never outlives this process. */
export function trackServer(child) {
  servers.add(child);
  child.once('exit', () => servers.delete(child));
}

process.once('exit', () => {
  for (const child of servers) child.kill('SIGKILL');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping servers and removing temporary folders`);
    cleanUp({ final: true }).finally(() => process.exit(130));
  });
}

/** A fresh temporary folder, removed at cleanup (`untilEnd`: at the end of the run) unless TRAINWIRE_SMOKE_KEEP=1. */
export async function temporaryFolder(prefix, { untilEnd = false } = {}) {
  const folder = await mkdtemp(join(tmpdir(), `trainwire-${prefix}-`));
  onCleanup(() => (keepTemp ? console.error(`kept ${folder}`) : rm(folder, { recursive: true, force: true })), { untilEnd });
  return folder;
}

/**
 * The environment for child processes: without what `npm run` injects (npm_* settings, the repo's
 * node_modules/.bin on PATH), so a child npm or runtime sees a plain shell like a user's.
 */
export function cleanEnvironment(extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'INIT_CWD' || name === 'NODE') continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !entry.includes(`node_modules${'/'}.bin`) && !entry.includes('node-gyp-bin'))
    .join(delimiter);
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return { ...env, ...extra };
}

/** Milliseconds as seconds with one decimal. */
export function seconds(milliseconds) {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Print one progress line of a check. */
export function say(check, message) {
  console.log(`[${check}] ${message}`);
}

/**
 * Run a command to completion; resolves with its output and duration, rejects with an error that
 * carries the command line and the last lines of its output.
 */
export function run(command, args, { cwd = repoRoot, env = cleanEnvironment(), timeout = 300_000, input } = {}) {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const milliseconds = performance.now() - started;
      if (code === 0) {
        resolvePromise({ stdout, stderr, milliseconds });
        return;
      }
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
      const why = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${seconds(timeout)})` : ''}` : `exited ${code}`;
      const error = new Error(`\`${command} ${args.join(' ')}\` (in ${cwd}) ${why}:\n${output}`);
      Object.assign(error, { stdout, stderr, code, milliseconds });
      reject(error);
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/**
 * Install npm packages into `cacheRoot/<name>` unless the same specs are already there; returns
 * the folder. Nothing is installed into the repository.
 */
export async function installTools(name, specs, { check } = {}) {
  const folder = join(cacheRoot, name);
  const marker = join(folder, '.trainwire-smoke-specs');
  const wanted = JSON.stringify(specs);
  if (existsSync(marker) && (await readFile(marker, 'utf8')) === wanted && (!check || check(folder))) {
    if (check) say('tools', `${name}: cached in ${folder}`);
    return { folder, milliseconds: 0, cached: true };
  }
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'package.json'), `${JSON.stringify({ name: `trainwire-smoke-${name}`, private: true }, null, 2)}\n`);
  const { milliseconds } = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: folder });
  await writeFile(marker, wanted);
  say('tools', `${name}: installed ${specs.join(' ')} in ${seconds(milliseconds)}`);
  return { folder, milliseconds, cached: false };
}

/**
 * Start a long-running server as a child process and wait until it has printed its
 * `export NAME=value` lines (and then been quiet for a moment). Resolves with those variables and
 * a `stop()` that sends SIGINT, then SIGKILL if it lingers; the server is also stopped at cleanup.
 */
export function startServer(label, command, args, { cwd = repoRoot, env = cleanEnvironment(), timeout = 30_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    trackServer(child);
    const variables = {};
    let output = '';
    let quiet;
    let settled = false;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    };
    onCleanup(stop);
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(quiet);
      clearTimeout(deadline);
      stop().finally(() => reject(new Error(`${label}: ${message}\n${output.trim().split('\n').slice(-20).join('\n')}`)));
    };
    const deadline = setTimeout(() => fail(`printed no \`export NAME=value\` lines within ${seconds(timeout)}`), timeout);
    const read = (chunk) => {
      output += chunk;
      for (const match of String(chunk).matchAll(/^\s*export\s+([A-Z0-9_]+)=(?:'([^']*)'|"([^"]*)"|(\S*))\s*$/gm)) {
        variables[match[1]] = match[2] ?? match[3] ?? match[4] ?? '';
      }
      if (settled || Object.keys(variables).length === 0) return;
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        settled = true;
        clearTimeout(deadline);
        resolvePromise({ env: variables, stop, output: () => output, pid: child.pid });
      }, 300);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => fail(error.message));
    child.on('exit', (code, signal) => fail(`exited early (${signal ?? code})`));
  });
}

/** Read the closing `SMOKE RESULT: N passed, N failed` line of a consumer run. */
export function smokeResult(text) {
  const match = /^SMOKE RESULT: (\d+) passed, (\d+) failed/m.exec(text);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}

/** The timed steps of one check, printed as they finish and collected for the summary table. */
export class Report {
  rows = [];

  constructor(check) {
    this.check = check;
  }

  /** Run a step; its returned text is the detail. A failure is recorded and rethrown (the check stops). */
  async step(name, action) {
    const started = performance.now();
    try {
      const detail = (await action()) ?? '';
      this.#add({ name, status: 'pass', milliseconds: performance.now() - started, detail });
      return detail;
    } catch (error) {
      this.#add({ name, status: 'FAIL', milliseconds: performance.now() - started, detail: error?.message ?? String(error) });
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { reported: true });
    }
  }

  /** Record a step that did not run and why. */
  skip(name, reason) {
    this.#add({ name, status: 'skip', milliseconds: 0, detail: reason });
  }

  /** Record an already measured outcome. */
  record(name, ok, milliseconds, detail) {
    this.#add({ name, status: ok ? 'pass' : 'FAIL', milliseconds, detail });
  }

  get failed() {
    return this.rows.some((row) => row.status === 'FAIL');
  }

  #add(row) {
    const full = { check: this.check, ...row };
    this.rows.push(full);
    const [first, ...rest] = String(row.detail).split('\n');
    say(this.check, `${row.status.padEnd(4)} ${row.name} (${seconds(row.milliseconds)})${first ? ` — ${first}` : ''}`);
    if (row.status === 'FAIL' && rest.length > 0) console.log(rest.map((line) => `        ${line}`).join('\n'));
  }
}

/** Print rows as a table, then one closing line with the counts and the total time. */
export function printTable(rows, totalMilliseconds) {
  const header = ['check', 'step', 'result', 'time', 'detail'];
  const body = rows.map((row) => [
    row.check,
    row.name,
    row.status,
    seconds(row.milliseconds),
    String(row.detail).split('\n')[0].slice(0, 100),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column].length)));
  const line = (cells) => cells.map((cell, column) => (column === 4 ? cell : cell.padEnd(widths[column]))).join('  ');
  console.log(`\n${line(header)}\n${line(widths.map((width) => '-'.repeat(width)))}`);
  for (const cells of body) console.log(line(cells));
  const count = (status) => rows.filter((row) => row.status === status).length;
  console.log(
    `\nsmoke finished in ${seconds(totalMilliseconds)}: ${count('pass')} steps passed, ${count('FAIL')} failed, ${count('skip')} skipped`,
  );
}

/**
 * Run checks as a script: each `check(context)` resolves to its Report (it records its own
 * failures); `context` is shared, so a check can hand something to the next (the registry check
 * hands over its installed consumer project). Prints the table, cleans up, and exits non-zero when
 * a step failed or nothing ran.
 */
export async function runChecks(checks) {
  const started = performance.now();
  const rows = [];
  const context = {};
  try {
    for (const check of checks) {
      try {
        const report = await check(context);
        rows.push(...report.rows);
      } catch (error) {
        console.error(error);
        rows.push({
          check: check.name,
          name: 'unexpected error',
          status: 'FAIL',
          milliseconds: 0,
          detail: error?.message ?? String(error),
        });
      } finally {
        await cleanUp();
      }
    }
  } finally {
    await cleanUp({ final: true });
  }
  printTable(rows, performance.now() - started);
  const failed = rows.length === 0 || rows.some((row) => row.status === 'FAIL');
  process.exitCode = failed ? 1 : 0;
  return rows;
}
