import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { missingPackages } from './host-packages.js';
import { inputKey, readMarker, writeMarker } from './oracle-cache.js';
import { runCommand } from './run-command.js';

/** The Debian release whose python3 has pydantic 2, pydantic-settings, fastapi 0.115 and httpx 0.28. */
export const CHROOT_SUITE = 'trixie';

/** What the tinker and tg_tinker SDKs and the TenSafe server import (shared/oracles/README.md). */
export const CHROOT_PACKAGES = [
  'python3',
  'python3-aiosqlite',
  'python3-anyio',
  'python3-argon2',
  'python3-click',
  'python3-cryptography',
  'python3-distro',
  'python3-dotenv',
  'python3-email-validator',
  'python3-fastapi',
  'python3-h2',
  'python3-httpx',
  'python3-jwt',
  'python3-msgpack',
  'python3-numpy',
  'python3-orjson',
  'python3-passlib',
  'python3-protobuf',
  'python3-pydantic',
  'python3-pydantic-settings',
  'python3-python-multipart',
  'python3-requests',
  'python3-rich',
  'python3-scipy',
  'python3-sniffio',
  'python3-sqlalchemy',
  'python3-sqlmodel',
  'python3-typing-extensions',
  'python3-uvicorn',
  'python3-yaml',
  'python3-zstandard',
] as const;

/** The Debian mirror apt already uses on this machine (deb822 `URIs:` or a one-line `deb`), else deb.debian.org. */
export async function hostMirror(): Promise<string> {
  const files = ['/etc/apt/sources.list'];
  const folder = '/etc/apt/sources.list.d';
  if (existsSync(folder)) for (const name of await readdir(folder)) files.push(join(folder, name));
  for (const file of files) {
    const text = existsSync(file) ? await readFile(file, 'utf8') : '';
    const uri = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m.exec(text.replace(/^#.*$/gm, ''))?.[1];
    if (uri && /^https?:\/\/.*\/debian\/?$/.test(uri)) return uri.replace(/\/$/, '');
  }
  return 'http://deb.debian.org/debian';
}

/**
 * The trixie minbase chroot at `<cache>/trixie` with {@link CHROOT_PACKAGES}: made by debootstrap
 * into a scratch folder and renamed into place, so a run killed half way leaves nothing half made.
 * A chroot already there (`trixie.ok` with another key, or empty: made by hand) is adopted once
 * dpkg inside it lists every package, and topped up with apt-get when some are missing.
 */
export async function prepareTrixieChroot(cacheRoot: string, log: (line: string) => void): Promise<string> {
  const root = join(cacheRoot, CHROOT_SUITE);
  const marker = join(cacheRoot, `${CHROOT_SUITE}.ok`);
  const mirror = await hostMirror();
  const key = inputKey('chroot', CHROOT_SUITE, 'minbase', CHROOT_PACKAGES);
  if ((await readMarker(marker)) === key && existsSync(join(root, 'usr/bin/python3'))) return root;
  await withFileLock(
    join(cacheRoot, 'apt.lock'),
    'debootstrap and apt-get in the chroot',
    async () => {
      if (!existsSync(join(root, 'usr/bin/apt-get'))) {
        const scratch = `${root}.partial-${process.pid}`;
        await rm(scratch, { recursive: true, force: true });
        log(`chroot: debootstrap --variant=minbase ${CHROOT_SUITE} from ${mirror} (about 2 minutes)`);
        await runCommand('debootstrap', ['--variant=minbase', CHROOT_SUITE, scratch, mirror], { timeoutMs: 20 * 60_000 });
        await rm(root, { recursive: true, force: true });
        await rename(scratch, root);
      }
      const missing = existsSync(join(root, 'usr/bin/python3')) ? await missingPackages(CHROOT_PACKAGES, root) : [...CHROOT_PACKAGES];
      if (missing.length > 0) {
        log(`chroot: apt-get install ${missing.length} packages (about 2 minutes)`);
        await inChroot(root, ['apt-get', 'update']);
        await inChroot(root, ['apt-get', 'install', '-y', '--no-install-recommends', ...missing]);
        await inChroot(root, ['apt-get', 'clean']);
        const still = await missingPackages(CHROOT_PACKAGES, root);
        if (still.length > 0) throw new Error(`chroot: apt-get did not install ${still.join(' ')}`);
      }
      await writeMarker(marker, key);
    },
    log,
  );
  return root;
}

/** Run a command in the chroot with /proc mounted in a private mount namespace (gone when it exits). */
function inChroot(root: string, command: readonly string[]) {
  const script = 'mount -t proc proc "$1/proc" && exec chroot "$@"';
  return runCommand('unshare', ['--mount', '--propagation', 'private', '--fork', 'sh', '-c', script, 'sh', root, ...command], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_FRONTEND: 'noninteractive', LANG: 'C.UTF-8', HOME: '/root' },
    timeoutMs: 20 * 60_000,
  });
}
