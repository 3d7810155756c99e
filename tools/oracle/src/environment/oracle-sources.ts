import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { inputKey } from './oracle-cache.js';
import { runCommand } from './run-command.js';

/** The upstream source trees, extracted, and the folder of Python shims put on the chroot's PYTHONPATH. */
export interface OracleSources {
  /** Runicorn v0.5.3 (its `src/` holds the `runicorn` package). */
  runicorn: string;
  /** The Tinker SDK (its `src/` holds `tinker`). */
  tinker: string;
  /** TenSafe (its `src/` holds `tg_tinker` and `tensorguard`). */
  tensafe: string;
  /** `tinker-<version>.dist-info/METADATA` and the `pyqwest` stand-in. */
  site: string;
  /** The folder all of the above live in (bind-mounted into the chroot). */
  root: string;
}

const TARBALLS = { runicorn: /^runicorn-.*\.tar\.gz$/, tinker: /^tinker-sdk-.*\.tar\.gz$/, tensafe: /^tensafe-.*\.tar\.gz$/ } as const;

// Debian has no pyqwest. The Tinker SDK imports it only when the server's client config says
// use_pyqwest_transport (the default); this stand-in hands back httpx's own HTTP/2 transport.
const PYQWEST_INIT = `"""Stand-in for pyqwest (not in Debian), used only inside the conformance chroot."""


class HTTPTransport:
    def __init__(self, **options):
        self.options = options
`;
const PYQWEST_HTTPX = `"""Stand-in for pyqwest.httpx: httpx's own transport, for the conformance chroot only."""

import httpx


def AsyncPyqwestTransport(transport=None):
    return httpx.AsyncHTTPTransport(http2=True)
`;

/**
 * The folder of the upstream tarballs: TRAINWIRE_ORACLES_DIR, else `shared/oracles` beside the
 * repository (or beside the folder of work trees it sits in).
 */
export function findOraclesDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.TRAINWIRE_ORACLES_DIR
    ? [env.TRAINWIRE_ORACLES_DIR]
    : [join(repoRoot, '..', 'shared', 'oracles'), join(repoRoot, '..', '..', 'shared', 'oracles')];
  const found = candidates.find((folder) => existsSync(folder));
  if (!found)
    throw new Error(`No upstream tarballs: set TRAINWIRE_ORACLES_DIR (looked in ${candidates.map((c) => resolve(c)).join(', ')}).`);
  return resolve(found);
}

/** Extract each tarball once into `<cache>/sources/<name>-<sha256 prefix>/` and write the Python shims. */
export async function prepareOracleSources(cacheRoot: string, oraclesDir: string): Promise<OracleSources> {
  const root = join(cacheRoot, 'sources');
  await mkdir(root, { recursive: true });
  const names = await readdir(oraclesDir);
  const extracted: Record<string, string> = {};
  for (const [project, pattern] of Object.entries(TARBALLS)) {
    const file = names.filter((name) => pattern.test(name)).sort()[0];
    if (!file) throw new Error(`${oraclesDir} has no ${project} tarball (${pattern})`);
    extracted[project] = await extractOnce(join(oraclesDir, file), root);
  }
  const tinker = extracted.tinker as string;
  const version = /^version\s*=\s*"([^"]+)"/m.exec(await readFile(join(tinker, 'pyproject.toml'), 'utf8'))?.[1];
  if (!version) throw new Error(`${tinker}/pyproject.toml names no version`);
  const site = join(root, `site-${inputKey(version, PYQWEST_INIT, PYQWEST_HTTPX)}`);
  if (!existsSync(site)) {
    const scratch = `${site}.partial-${process.pid}`;
    await mkdir(join(scratch, `tinker-${version}.dist-info`), { recursive: true });
    await mkdir(join(scratch, 'pyqwest'));
    // tinker/_version.py reads importlib.metadata.version("tinker"): a dist-info is all it needs.
    await writeFile(join(scratch, `tinker-${version}.dist-info`, 'METADATA'), `Metadata-Version: 2.1\nName: tinker\nVersion: ${version}\n`);
    await writeFile(join(scratch, 'pyqwest', '__init__.py'), PYQWEST_INIT);
    await writeFile(join(scratch, 'pyqwest', 'httpx.py'), PYQWEST_HTTPX);
    await renameOrDrop(scratch, site);
  }
  return { runicorn: extracted.runicorn as string, tinker, tensafe: extracted.tensafe as string, site, root };
}

/** The tarball's single top folder, extracted under `root` in a folder named by the tarball's hash. */
async function extractOnce(tarball: string, root: string): Promise<string> {
  const digest = createHash('sha256')
    .update(await readFile(tarball))
    .digest('hex')
    .slice(0, 12);
  const target = join(
    root,
    `${tarball
      .split('/')
      .pop()
      ?.replace(/\.tar\.gz$/, '')}-${digest}`,
  );
  if (!existsSync(target)) {
    const scratch = `${target}.partial-${process.pid}`;
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch);
    await runCommand('tar', ['-xzf', tarball, '-C', scratch, '--no-same-owner']);
    await renameOrDrop(scratch, target);
  }
  const top = (await readdir(target)).filter((name) => !name.startsWith('.'));
  if (top.length !== 1) throw new Error(`${tarball} should hold one top folder, holds ${top.join(', ')}`);
  return join(target, top[0] as string);
}

/** Move a finished scratch folder into place; if a concurrent run got there first, keep theirs. */
async function renameOrDrop(scratch: string, target: string): Promise<void> {
  try {
    await rename(scratch, target);
  } catch (error) {
    if (!existsSync(target)) throw error;
    await rm(scratch, { recursive: true, force: true });
  }
}
