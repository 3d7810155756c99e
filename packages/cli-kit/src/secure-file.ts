/// <reference types="node" />
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A config or credentials file that is unsafe to read or write: a symlink, someone else's, or in a folder others can write. */
export class UnsafeFileError extends Error {
  override name = 'UnsafeFileError';
  /** The file or folder at fault. */
  readonly path: string;

  constructor(message: string, path: string) {
    super(message);
    this.path = path;
  }
}

const POSIX = process.platform !== 'win32';
const currentUser = (): number | undefined => process.getuid?.();

/** What {@link readSecureFile} checks besides symlinks, owner and folder. */
export interface ReadSecureFileOptions {
  /** Refuse a file that group or others can read (it holds a credential). @default true */
  private?: boolean;
}

/**
 * Read a file that holds a credential or a setting the CLI trusts, or undefined when it does not
 * exist. Refused with {@link UnsafeFileError} when it is a symlink (opened with `O_NOFOLLOW`), not
 * a regular file, owned by another user, readable by others (unless `private: false`), or in a
 * folder that others can write.
 */
export async function readSecureFile(path: string, options: ReadSecureFileOptions = {}): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | (POSIX ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK')
      throw new UnsafeFileError(`${path} is a symbolic link; refusing to read it. Replace it with a regular file.`, path);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UnsafeFileError(`${path} is not a regular file; refusing to read it.`, path);
    if (POSIX) {
      checkOwner(path, info.uid);
      if (options.private !== false && (info.mode & 0o077) !== 0) {
        throw new UnsafeFileError(`${path} can be read by other users (mode ${octal(info.mode)}); run \`chmod 600 ${path}\`.`, path);
      }
      await checkFolder(dirname(path));
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Write `text` to `path` atomically with mode 0600: the folder is created 0700 when missing (or
 * checked when present), the text goes to a temporary file in the same folder (`O_EXCL`,
 * `O_NOFOLLOW`), is fsynced and renamed over `path`, then the folder is fsynced. A `path` that is a
 * symlink or someone else's file is refused with {@link UnsafeFileError}, so nothing is ever
 * written through a link an attacker planted.
 */
export async function writeSecureFile(path: string, text: string): Promise<void> {
  const folder = dirname(path);
  await ensureSecureFolder(folder);
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink())
    throw new UnsafeFileError(`${path} is a symbolic link; refusing to write through it. Remove it first.`, path);
  if (existing && !existing.isFile()) throw new UnsafeFileError(`${path} is not a regular file; refusing to replace it.`, path);
  if (existing && POSIX) checkOwner(path, existing.uid);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (POSIX ? constants.O_NOFOLLOW : 0);
  const handle = await open(temporary, flags, 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(folder);
}

/** Remove a file written by {@link writeSecureFile}; a missing file is fine. */
export async function removeSecureFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await syncFolder(dirname(path));
}

/**
 * Make sure `folder` exists and only its owner can change it: created with mode 0700 (parents
 * too) when missing; refused when it is a symlink, someone else's, or writable by group or others.
 */
export async function ensureSecureFolder(folder: string): Promise<void> {
  const info = await lstat(folder).catch(() => undefined);
  if (!info) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    return;
  }
  await checkFolder(folder);
}

async function checkFolder(folder: string): Promise<void> {
  if (!POSIX) return;
  const info = await lstat(folder);
  if (info.isSymbolicLink()) throw new UnsafeFileError(`${folder} is a symbolic link; refusing to use it for configuration.`, folder);
  if (!info.isDirectory()) throw new UnsafeFileError(`${folder} is not a folder.`, folder);
  checkOwner(folder, info.uid);
  if ((info.mode & 0o022) !== 0) {
    throw new UnsafeFileError(`${folder} can be written by other users (mode ${octal(info.mode)}); run \`chmod 700 ${folder}\`.`, folder);
  }
}

function checkOwner(path: string, uid: number): void {
  const user = currentUser();
  if (user !== undefined && uid !== user)
    throw new UnsafeFileError(`${path} belongs to another user (uid ${uid}); refusing to use it.`, path);
}

async function syncFolder(folder: string): Promise<void> {
  if (!POSIX) return;
  const handle = await open(folder, constants.O_RDONLY).catch(() => undefined);
  await handle?.sync().catch(() => undefined); // some file systems cannot fsync a folder
  await handle?.close();
}

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(3, '0');
