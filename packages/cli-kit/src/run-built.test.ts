import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const RUN_BUILT = fileURLToPath(new URL('../bin-support/run-built.js', import.meta.url));
let root = '';

/** A package with a committed bin shim, as a checkout (`src` and a turbo.json above) or as an install. */
async function makePackage(options: { checkout: boolean; built: boolean }) {
  const folder = join(root, 'packages', 'tool');
  await mkdir(join(folder, 'bin'), { recursive: true });
  await writeFile(join(folder, 'package.json'), JSON.stringify({ name: '@trainwire/tool', type: 'module' }));
  const shim = join(folder, 'bin', 'tool.js');
  await writeFile(
    shim,
    `import { runBuilt } from ${JSON.stringify(RUN_BUILT)};\nawait runBuilt(import.meta.url, 'dist/main.js', 'tool');\n`,
  );
  await chmod(shim, 0o755);
  if (options.checkout) {
    await mkdir(join(folder, 'src'));
    await writeFile(join(folder, 'tsconfig.build.json'), '{}');
    await writeFile(join(root, 'turbo.json'), '{}');
    await writeFile(join(root, 'package.json'), '{}');
  }
  if (options.built) {
    await mkdir(join(folder, 'dist'));
    await writeFile(join(folder, 'dist', 'main.js'), 'process.stdout.write("ran " + process.argv.slice(2).join(" ") + "\\n");\n');
  }
  return shim;
}

const run = (shim: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [shim, 'jobs', 'list'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'run-built-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('runBuilt (the committed bin shims)', () => {
  it('runs the built CLI with its arguments', async () => {
    const result = run(await makePackage({ checkout: false, built: true }));
    expect([result.status, result.stdout, result.stderr]).toEqual([0, 'ran jobs list\n', '']);
  });

  it('in an unbuilt checkout, says how to build (with TRAINWIRE_NO_AUTO_BUILD=1) and never runs anything else', async () => {
    const result = run(await makePackage({ checkout: true, built: false }), { TRAINWIRE_NO_AUTO_BUILD: '1' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `tool: not built yet in this checkout. Run \`npx turbo run build --filter=@trainwire/tool...\` (or \`npm run build\`) in ${root}, then run tool again.\n`,
    );
  });

  it('in an install without its dist, says to reinstall', async () => {
    const result = run(await makePackage({ checkout: false, built: false }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('this install of @trainwire/tool is incomplete. Reinstall it (npm install @trainwire/tool).');
  });
});
