// Compile smoke/consumer with the repository's TypeScript into a scratch folder whose node_modules
// points at the repository's (so `@trainwire/*` are the workspace packages' built dist), ready to be
// run by any runtime. Nothing is written into the working tree.
import { readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, run, temporaryFolder } from './harness.mjs';

/** The workspace packages the consumer may import, from the repository's node_modules. */
async function workspaceDependencies() {
  const scope = join(repoRoot, 'node_modules', '@trainwire');
  const names = await readdir(scope).catch(() => []);
  return Object.fromEntries(names.map((name) => [`@trainwire/${name}`, '*']));
}

/** Build the consumer; resolves with the folder and its entry file (`consumer.js`). */
export async function buildConsumer() {
  const folder = await temporaryFolder('consumer');
  const { milliseconds } = await run(join(repoRoot, 'node_modules', '.bin', 'tsc'), [
    '-p',
    join(repoRoot, 'smoke', 'consumer'),
    '--outDir',
    folder,
  ]);
  const manifest = { name: 'trainwire-smoke-consumer', private: true, type: 'module', dependencies: await workspaceDependencies() };
  await writeFile(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await symlink(join(repoRoot, 'node_modules'), join(folder, 'node_modules'), 'dir');
  return { folder, entry: join(folder, 'consumer.js'), milliseconds };
}
