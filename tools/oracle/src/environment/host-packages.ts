import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { inputKey, readMarker, writeMarker } from './oracle-cache.js';
import { runCommand } from './run-command.js';

/**
 * What the host (Debian 12) needs: bookworm's own python3 with what the Runicorn viewer v0.5.3
 * imports (fastapi 0.92, pydantic 1.10), debootstrap for the trixie chroot, and util-linux's
 * flock and unshare.
 */
export const HOST_PACKAGES = [
  'debootstrap',
  'python3',
  'python3-aiofiles',
  'python3-fastapi',
  'python3-filelock',
  'python3-multipart',
  'python3-paramiko',
  'python3-psutil',
  'python3-pydantic',
  'python3-requests',
  'python3-uvicorn',
  'python3-websockets',
  'util-linux',
] as const;

/** Packages of `packages` that dpkg does not list as installed (`root` selects a chroot). */
export async function missingPackages(packages: readonly string[], root?: string): Promise<string[]> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template.
  const query = ['dpkg-query', '-W', '-f=${db:Status-Abbrev} ${Package}\\n', ...packages];
  const command = root === undefined ? query : ['chroot', root, ...query];
  // dpkg-query exits 1 when a package is unknown; read what it printed either way.
  const output = await runCommand(command[0] as string, command.slice(1)).then(
    (result) => result.stdout,
    (error: { output?: string }) => error.output ?? '',
  );
  const installed = new Set(
    output
      .split('\n')
      .filter((line) => line.startsWith('ii'))
      .map((line) => line.split(/\s+/)[1]?.replace(/:.*$/, '')),
  );
  return packages.filter((name) => !installed.has(name));
}

/** apt-get install what the host lacks, once (`host-apt.ok` holds the key of the package list). */
export async function prepareHostPackages(cacheRoot: string, log: (line: string) => void): Promise<void> {
  const marker = join(cacheRoot, 'host-apt.ok');
  const key = inputKey('host-apt', HOST_PACKAGES);
  if ((await readMarker(marker)) === key) return;
  await withFileLock(
    join(cacheRoot, 'apt.lock'),
    'host apt-get',
    async () => {
      const missing = await missingPackages(HOST_PACKAGES);
      if (missing.length > 0) {
        log(`host: apt-get install ${missing.join(' ')}`);
        const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
        await runCommand('apt-get', ['update'], { env });
        await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
        const still = await missingPackages(HOST_PACKAGES);
        if (still.length > 0) throw new Error(`host: apt-get did not install ${still.join(' ')}`);
      }
      await writeMarker(marker, key);
    },
    log,
  );
}
