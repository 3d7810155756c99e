import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareHostPackages } from './host-packages.js';
import { oracleCacheRoot } from './oracle-cache.js';
import { findOraclesDir, prepareOracleSources } from './oracle-sources.js';
import type { OracleEnvironment } from './python-commands.js';
import { prepareTrixieChroot } from './trixie-chroot.js';

/** Options of {@link prepareEnvironment}. */
export interface PrepareOptions {
  repoRoot: string;
  /** tools/oracle: its python/ and drivers/ hold the Python scripts. */
  toolDir: string;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Everything the real code needs on a Debian 12 machine, made once and cached: host apt packages,
 * the trixie chroot, the extracted tarballs. A second run only checks the markers (well under a second).
 */
export async function prepareEnvironment(options: PrepareOptions): Promise<OracleEnvironment> {
  if (process.getuid?.() !== 0)
    throw new Error('npm run conformance needs root (apt-get, debootstrap, chroot): run it as root, as CI does.');
  const env = options.env ?? process.env;
  const cacheRoot = oracleCacheRoot(env);
  await mkdir(cacheRoot, { recursive: true });
  await prepareHostPackages(cacheRoot, options.log);
  const [chrootRoot, sources] = await Promise.all([
    prepareTrixieChroot(cacheRoot, options.log),
    prepareOracleSources(cacheRoot, findOraclesDir(options.repoRoot, env)),
  ]);
  const workDir = await mkdtemp(join(tmpdir(), 'trainwire-conformance-'));
  await mkdir(join(workDir, 'home'));
  return { cacheRoot, chrootRoot, sources, toolDir: options.toolDir, workDir };
}
