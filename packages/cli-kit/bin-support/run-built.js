// Plain JavaScript on purpose: the committed bin shims load this before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Run a package's built CLI from its committed bin shim. When the built file is missing (a fresh
 * clone after `npm ci`, before any build) and the package sits in the trainwire checkout, the
 * package and what it needs are built once with turbo (progress on stderr), then the CLI runs;
 * anywhere else, or with TRAINWIRE_NO_AUTO_BUILD=1, it says how to build and exits 1.
 * @param {string} shimUrl the shim's `import.meta.url`
 * @param {string} entry the built entry, relative to the package folder (`dist/cli/main.js`)
 * @param {string} name the bin's name, for messages
 */
export async function runBuilt(shimUrl, entry, name) {
  const packageFolder = dirname(dirname(fileURLToPath(shimUrl)));
  const target = join(packageFolder, entry);
  if (!existsSync(target)) await buildOrExplain(packageFolder, target, name);
  await import(pathToFileURL(target).href);
}

async function buildOrExplain(packageFolder, target, name) {
  const root = checkoutRoot(packageFolder);
  const { name: packageName } = JSON.parse(
    await import('node:fs').then((fs) => fs.readFileSync(join(packageFolder, 'package.json'), 'utf8')),
  );
  const command = `npx turbo run build --filter=${packageName}...`;
  if (!root) {
    process.stderr.write(
      `${name}: ${target} is missing: this install of ${packageName} is incomplete. Reinstall it (npm install ${packageName}).\n`,
    );
    process.exit(1);
  }
  if (process.env.TRAINWIRE_NO_AUTO_BUILD === '1') {
    process.stderr.write(
      `${name}: not built yet in this checkout. Run \`${command}\` (or \`npm run build\`) in ${root}, then run ${name} again.\n`,
    );
    process.exit(1);
  }
  process.stderr.write(
    `${name}: first run in this checkout: building ${packageName} and what it needs (\`${command}\`, about a minute)...\n`,
  );
  const started = Date.now();
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const result = spawnSync(npx, ['turbo', 'run', 'build', `--filter=${packageName}...`, '--output-logs=errors-only'], {
    cwd: root,
    stdio: ['ignore', 2, 2], // stdout stays for the CLI's own output
    shell: process.platform === 'win32',
  });
  if (result.status !== 0 || !existsSync(target)) {
    process.stderr.write(`${name}: the build failed (see above); fix it and run \`${command}\` in ${root}.\n`);
    process.exit(1);
  }
  process.stderr.write(`${name}: built in ${Math.round((Date.now() - started) / 1000)} s (${relative(root, target)}).\n`);
}

/** The trainwire checkout holding `packageFolder` (a folder with turbo.json above a package with its sources), if any. */
function checkoutRoot(packageFolder) {
  if (!existsSync(join(packageFolder, 'src')) || !existsSync(join(packageFolder, 'tsconfig.build.json'))) return undefined;
  for (let folder = dirname(packageFolder); folder !== dirname(folder); folder = dirname(folder)) {
    if (existsSync(join(folder, 'turbo.json')) && existsSync(join(folder, 'package.json'))) return folder;
  }
  return undefined;
}
