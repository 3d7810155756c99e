// `npm run conformance`: the real servers and the real Python SDKs as the oracle of our clients and
// mocks (issue 15). Prepares what it needs (cached), starts the servers on loopback, runs the
// selected directions and prints one table; exits 1 on any unexpected result.
//
//   tsx tools/oracle/src/cli.ts [--only runicorn,tensafe,tinker] [--direction ts,py,diff] [--keep] [--verbose] [--markdown FILE]
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAllOwnedNow, stopAllOwned } from './environment/owned-processes.js';
import { prepareEnvironment } from './environment/prepare-environment.js';
import type { OracleEnvironment } from './environment/python-commands.js';
import { formatCounts, formatMarkdownTable, formatTable } from './report/format-table.js';
import type { Direction, Row, ServiceName } from './report/outcome.js';
import { loadUpstreamDefects } from './report/upstream-defects.js';
import { runSuite } from './suite.js';
import { type Servers, startServers } from './suite-servers.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..');
const repoRoot = resolve(packageRoot, '../..');
const SERVICES: readonly ServiceName[] = ['runicorn', 'tensafe', 'tinker'];
const DIRECTIONS: readonly Direction[] = ['ts', 'py', 'diff'];
const USAGE =
  'usage: npm run conformance -- [--only runicorn,tensafe,tinker] [--direction ts,py,diff] [--keep] [--verbose] [--markdown FILE]';

const log = (line: string) => console.error(`conformance: ${line}`);
const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;

function selected<T extends string>(flag: string, given: string | undefined, all: readonly T[]): Set<T> {
  if (given === undefined) return new Set(all);
  const names = given.split(',').map((name) => name.trim()) as T[];
  const unknown = names.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    console.error(`--${flag} ${unknown.join(',')}: expected one of ${all.join(', ')}\n${USAGE}`);
    process.exit(2);
  }
  return new Set(names);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      direction: { type: 'string' },
      keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      markdown: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const selection = { services: selected('only', values.only, SERVICES), directions: selected('direction', values.direction, DIRECTIONS) };
  const defects = loadUpstreamDefects(join(packageRoot, 'upstream-defects.json'));
  const started = performance.now();
  let environment: OracleEnvironment | undefined;
  let servers: Servers | undefined;
  // --keep leaves the servers and their scratch folder until Ctrl-C, which removes both.
  const cleanUp = async () => {
    await servers?.stop();
    await stopAllOwned();
    if (environment) await rm(environment.workDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the servers`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  process.once('exit', killAllOwnedNow);

  try {
    environment = await prepareEnvironment({ repoRoot, toolDir: packageRoot, log });
    const prepared = performance.now();
    log(`prepared in ${seconds(prepared - started)} (cache ${environment.cacheRoot})`);
    servers = await startServers(environment, selection);
    log(`servers up in ${seconds(performance.now() - prepared)}`);
    const rows: Row[] = await runSuite({ environment, servers, defects }, selection, (direction, milliseconds) =>
      log(`${direction} done in ${seconds(milliseconds)}`),
    );
    console.log(formatTable(rows));
    console.log(`\n${formatCounts(rows)} in ${seconds(performance.now() - started)}`);
    if (values.verbose) {
      for (const row of rows.filter((item) => item.verdict === 'fail' && item.details)) {
        console.log(`\n${row.direction} ${row.service} ${row.call}\n  ${row.details?.join('\n  ')}`);
      }
    }
    if (values.markdown) await writeFile(values.markdown, `${formatMarkdownTable(rows)}\n`);
    if (values.keep) {
      console.log(`\nServers left running (Ctrl-C stops them); scratch folder ${environment.workDir}`);
      if (servers.runicorn)
        console.log(`  Runicorn viewer    ${servers.runicorn.server.origin}  (storage ${servers.runicorn.seed.storage})`);
      if (servers.tensafe) console.log(`  TenSafe server     ${servers.tensafe.server.origin}/api  (key ts-test-key)`);
      if (servers.sandbox) console.log(`  trainwire-sandbox  ${servers.sandbox.sandbox.url}`);
      await new Promise(() => undefined);
    }
    return rows.some((row) => row.verdict === 'fail') ? 1 : 0;
  } finally {
    // Reached with --keep only when the run failed before the servers were handed over.
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
