import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { OracleSources } from './oracle-sources.js';

/** Everything prepared: where the chroot and the sources are, and this package's Python scripts. */
export interface OracleEnvironment {
  cacheRoot: string;
  chrootRoot: string;
  sources: OracleSources;
  /** tools/oracle on the host: scripts are named below it (`python/serve.py`, `drivers/tinker_sdk_driver.py`). */
  toolDir: string;
  /** Scratch folder of this run (deleted at the end unless --keep). */
  workDir: string;
}

/** A command line with its environment, ready for spawn. */
export interface PythonCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Where it runs: the run's scratch folder, never the work tree (the Runicorn viewer resolves an empty root to it). */
  cwd: string;
}

/** Where the chroot sees the sources, our scripts and the run's scratch folder. */
const MOUNT = '/opt/trainwire-oracle';
const BASE_ENV = { LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };

/** bookworm's own python3 (not a pyenv shim on PATH), for the Runicorn viewer, its SDK and `runicorn.api`. */
export function hostPython(
  environment: OracleEnvironment,
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): PythonCommand {
  return {
    cwd: environment.workDir,
    command: '/usr/bin/python3',
    args: [join(environment.toolDir, script), ...args],
    env: {
      ...BASE_ENV,
      PATH: '/usr/bin:/bin',
      HOME: join(environment.workDir, 'home'),
      PYTHONPATH: [join(environment.toolDir, 'python'), join(environment.sources.runicorn, 'src')].join(':'),
      ...env,
    },
  };
}

/** The trixie chroot's python3 with the Tinker and TenSafe sources on PYTHONPATH, for their SDKs and the TenSafe server. */
export function chrootPython(
  environment: OracleEnvironment,
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): PythonCommand {
  const { chrootRoot, sources } = environment;
  const inside = (path: string) => `${MOUNT}/sources/${relative(sources.root, path)}`;
  for (const folder of ['sources', 'tool', 'work']) mkdirSync(join(chrootRoot, MOUNT, folder), { recursive: true });
  // A private mount namespace: /proc, a fresh /tmp and the bind mounts vanish with the process,
  // and two runs never see each other's /tmp (the TenSafe server keeps artifacts there).
  const setup = [
    'set -e',
    'root=$1; shift',
    'mount -t proc proc "$root/proc"',
    'mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"',
    `mount --bind "$1" "$root${MOUNT}/sources"`,
    `mount --bind "$2" "$root${MOUNT}/tool"`,
    `mount --bind "$3" "$root${MOUNT}/work"`,
    'shift 3',
    'cd /',
    'exec chroot "$root" "$@"',
  ].join('\n');
  const pythonPath = [
    `${MOUNT}/tool/python`,
    inside(join(sources.tinker, 'src')),
    inside(join(sources.tensafe, 'src')),
    inside(sources.site),
  ];
  const childEnv = { ...BASE_ENV, PATH: '/usr/bin:/bin', HOME: '/tmp', PYTHONPATH: pythonPath.join(':'), ...env };
  return {
    cwd: environment.workDir,
    command: 'unshare',
    args: [
      '--mount',
      '--propagation',
      'private',
      '--fork',
      '--kill-child',
      'sh',
      '-c',
      setup,
      'sh',
      chrootRoot,
      sources.root,
      environment.toolDir,
      environment.workDir,
      '/usr/bin/env',
      '-i',
      ...Object.entries(childEnv).map(([name, value]) => `${name}=${value}`),
      '/usr/bin/python3',
      `${MOUNT}/tool/${script}`,
      ...args,
    ],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  };
}

/** The path the chroot sees for a file in the run's scratch folder. */
export function chrootWorkPath(environment: OracleEnvironment, hostPath: string): string {
  return `${MOUNT}/work/${relative(environment.workDir, hostPath)}`;
}
