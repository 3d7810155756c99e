import { RunicornAPIError, UnsafeArtifactFileError } from './runicorn-errors.js';
import { loadNodeFileSystem, type NodeFileSystem, type NodePath } from './runicorn-node.js';
import type { ArtifactFiles } from './runicorn-types.js';

/** Which version is copied and where the viewer keeps it. */
export interface ArtifactLocation {
  name: string;
  type: string;
  version: number;
  /** The viewer's storage root (`GET /api/config` → `storage`). */
  storage: string;
}

/** A file that passed every check: where it is, the identity it had then, and where it goes. */
interface CheckedFile {
  /** The path as the viewer listed it. */
  listed: string;
  source: string;
  target: string;
  identity: { dev: number; ino: number };
}

const CHUNK_BYTES = 1 << 20;

/**
 * Copy the files of a local viewer's artifact version into `targetDir` (Node only) and return the
 * paths written. Every file is checked before any is copied: its relative path stays inside
 * `targetDir`, and its `absolute_path`, symlinks resolved, is a regular file inside the version's own
 * folder `<storage>/artifacts/<type>/<name>/v<N>/files`. Each source is then opened without following
 * a symlink and must still be the file that was checked, so a swap between check and copy is caught.
 */
export async function copyArtifactFiles(listing: ArtifactFiles, location: ArtifactLocation, targetDir: string): Promise<string[]> {
  const { fs, path } = await loadNodeFileSystem('artifacts.downloadArtifact');
  const artifact = `${location.name}:v${location.version}`;
  const refuse = (file: string, reason: string) => new UnsafeArtifactFileError({ artifact, file, reason });
  for (const [field, value] of [
    ['type', location.type],
    ['name', location.name],
  ] as const) {
    if (!isPathSegment(value)) throw refuse(value, `the artifact ${field} ${JSON.stringify(value)} is not a plain folder name`);
  }
  const folder = path.resolve(location.storage, 'artifacts', location.type, location.name, `v${location.version}`, 'files');
  const realFolder = await fs.realpath(folder).catch((error: unknown) => {
    throw new RunicornAPIError(
      `${artifact} is not stored on this machine (no folder ${folder}); download it on the viewer's host (the viewer serves no file bytes).`,
      { cause: error },
    );
  });
  const root = path.resolve(targetDir);
  const checked: CheckedFile[] = [];
  for (const file of listing.files) {
    checked.push(await checkFile(fs, path, { file, folder, realFolder, root, refuse }));
  }
  const written: string[] = [];
  try {
    for (const file of checked) {
      await copyChecked(fs, path, file, refuse);
      written.push(file.target);
    }
  } catch (error) {
    // A file swapped under us mid-way leaves no half download behind either.
    await Promise.all(written.map((target) => fs.rm(target, { force: true })));
    throw error;
  }
  return written;
}

/** One plain path segment: no separator, not `.` or `..`, no NUL. */
function isPathSegment(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..' && !/[/\\\0]/.test(value);
}

/** Whether `child` is strictly below `parent` (both resolved). */
function isInside(path: NodePath, parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

async function checkFile(
  fs: NodeFileSystem,
  path: NodePath,
  context: {
    file: ArtifactFiles['files'][number];
    folder: string;
    realFolder: string;
    root: string;
    refuse: (file: string, reason: string) => UnsafeArtifactFileError;
  },
): Promise<CheckedFile> {
  const { file, folder, realFolder, root, refuse } = context;
  const listed = file.path;
  if (typeof listed !== 'string' || listed === '' || listed.includes('\0') || path.isAbsolute(listed)) {
    throw refuse(String(listed), 'its path is not a relative file path');
  }
  // Inside the target folder is inside the version's folder too: both resolve the same relative path.
  const target = path.resolve(root, listed);
  if (!isInside(path, root, target)) throw refuse(listed, `it would be written outside ${root}`);
  const expected = path.resolve(folder, listed);
  if (typeof file.absolute_path !== 'string' || file.absolute_path === '') {
    throw refuse(listed, 'the viewer gave no absolute_path (the file is missing on the viewer host)');
  }
  if (path.resolve(file.absolute_path) !== expected) {
    throw refuse(listed, `its absolute_path ${file.absolute_path} is not ${expected}, where the viewer stores it`);
  }
  const real = await fs.realpath(expected).catch((error: unknown) => {
    throw new RunicornAPIError(`${listed} is listed but cannot be read at ${expected}`, { cause: error });
  });
  if (!isInside(path, realFolder, real)) throw refuse(listed, `it resolves to ${real}, outside the version's folder ${realFolder}`);
  const stats = await fs.stat(real);
  if (!stats.isFile()) throw refuse(listed, 'it is not a regular file');
  return { listed, source: real, target, identity: { dev: stats.dev, ino: stats.ino } };
}

async function copyChecked(
  fs: NodeFileSystem,
  path: NodePath,
  file: CheckedFile,
  refuse: (file: string, reason: string) => UnsafeArtifactFileError,
): Promise<void> {
  const noFollow = fs.constants.O_NOFOLLOW ?? 0;
  const source = await fs.open(file.source, fs.constants.O_RDONLY | noFollow).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ELOOP') throw refuse(file.listed, 'it became a symlink after it was checked');
    throw error;
  });
  try {
    const stats = await source.stat();
    if (!stats.isFile() || stats.dev !== file.identity.dev || stats.ino !== file.identity.ino) {
      throw refuse(file.listed, 'it was replaced after it was checked');
    }
    await fs.mkdir(path.dirname(file.target), { recursive: true });
    // A partial file never takes the target's name: write beside it, then rename.
    const partial = `${file.target}.${globalThis.crypto.randomUUID()}.partial`;
    const output = await fs.open(partial, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | noFollow, 0o644);
    try {
      const buffer = new Uint8Array(CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        for (let offset = 0; offset < bytesRead; ) offset += (await output.write(buffer, offset, bytesRead - offset)).bytesWritten;
      }
      await output.sync();
    } catch (error) {
      await output.close().catch(() => undefined);
      await fs.rm(partial, { force: true });
      throw error;
    }
    await output.close();
    await fs.rename(partial, file.target);
  } finally {
    await source.close();
  }
}
