import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '@trainwire/sandbox';
import { closedPort } from '@trainwire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSnippets } from './check-snippets.js';
import { extractSnippets } from './extract-snippets.js';
import { runSnippet } from './run-snippet.js';
import { chainSnippets } from './snippet-chains.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const readmes = [
  'README.md',
  ...readdirSync(join(root, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => existsSync(join(root, file))),
];
const chains = readmes.flatMap((file) => chainSnippets(extractSnippets(readFileSync(join(root, file), 'utf8'), file)));
const moduleName = (index: number) => `snippet-${index + 1}`;
/** A snippet that imports a `./msw` entry tests with the package's own mock. */
const usesMocks = (code: string) => /from\s+['"]@trainwire\/[\w-]+\/msw['"]/.test(code);
/** How long a snippet may run: a child Node process with its imports, beside other builds on 2 cores. */
const RUN_TIMEOUT = 90_000;

let folder = '';
let problems: string[][] = [];

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'readme-snippets-'));
  // What a user's project has: ESM, and the packages installed (this repository's, built).
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'readme-snippets', private: true, type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'), 'dir');
  mkdirSync(join(folder, 'home'));
  // The files the snippets name as the user's own: the upload example's ./data.zip.
  writeFileSync(join(folder, 'data.zip'), new Uint8Array(256 * 1024));
  problems = checkSnippets(chains, folder, root, moduleName);
}, 300_000);
afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/**
 * The sandbox's env lines with every URL pointing at a port where nothing listens and every key
 * replaced: a test with a package's mock must not follow them.
 */
async function deadEnvironment(env: Record<string, string>, sandboxURL: string): Promise<Record<string, string>> {
  const dead = `http://127.0.0.1:${await closedPort()}`;
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      value.startsWith(sandboxURL) ? dead + value.slice(sandboxURL.length) : `${value}-from-the-shell`,
    ]),
  );
}

describe('README snippets', () => {
  it('are found in every README that has TypeScript', () => {
    const counted = new Set(chains.map((chain) => chain.snippets[0]?.file));
    for (const file of readmes) {
      if (/```(ts|typescript)\s*$/m.test(readFileSync(join(root, file), 'utf8'))) expect(counted).toContain(file);
    }
    expect(chains.length).toBeGreaterThan(10);
  });

  describe.each(chains.map((chain, index) => ({ chain, index, id: chain.id })))('$id', ({ chain, index }) => {
    it('type-checks against the built packages', () => {
      expect(problems[index], problems[index]?.join('\n')).toEqual([]);
    });

    // A chain marked typecheck-only from its first snippet has nothing to run (the marker says why).
    const module = chain.run;
    if (!module) return;
    it(
      usesMocks(module.code) ? 'runs with its mock, the env pointing elsewhere' : 'runs against the sandbox',
      async () => {
        const sandbox = await startSandbox({ port: 0, seed: 1, speed: 100 });
        try {
          const services = usesMocks(module.code) ? await deadEnvironment(sandbox.env, sandbox.url) : sandbox.env;
          const home = join(folder, 'home');
          const env = { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1', ...services };
          const run = await runSnippet(module, { folder, name: moduleName(index), env, timeoutMs: RUN_TIMEOUT });
          const verdict = run.timedOut ? `still running after ${RUN_TIMEOUT} ms` : `exit code ${run.exitCode}`;
          expect({ exitCode: run.exitCode, timedOut: run.timedOut }, `${chain.id}: ${verdict}\n${run.output}`).toEqual({
            exitCode: 0,
            timedOut: false,
          });
        } finally {
          await sandbox.close();
        }
      },
      RUN_TIMEOUT + 30_000,
    );
  });
});
