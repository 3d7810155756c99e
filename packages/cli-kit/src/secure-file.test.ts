import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSecureFile, removeSecureFile, UnsafeFileError, writeSecureFile } from './secure-file.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'secure-file-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('writeSecureFile', () => {
  it('creates the folder 0700 and the file 0600, replacing it atomically (no temporary file left)', async () => {
    const path = join(root, 'a', 'b', 'config.json');
    await writeSecureFile(path, 'one');
    expect((await stat(join(root, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeSecureFile(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['config.json']);
    await removeSecureFile(path);
    await expect(stat(path)).rejects.toThrow();
  });

  it('never writes through a symlink an attacker planted, to a file or a folder', async () => {
    const attacker = join(root, 'attacker.txt');
    await writeFile(attacker, 'attacker');
    const folder = join(root, 'config');
    await mkdir(folder, { mode: 0o700 });
    await symlink(attacker, join(folder, 'config.json'));
    await expect(writeSecureFile(join(folder, 'config.json'), 'key')).rejects.toThrow(UnsafeFileError);
    expect(await readFile(attacker, 'utf8')).toBe('attacker');
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o700 });
    await symlink(elsewhere, join(root, 'linked'));
    await expect(writeSecureFile(join(root, 'linked', 'config.json'), 'key')).rejects.toThrow(/is a symbolic link/);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('refuses a folder others can write and a file of another user', async () => {
    const folder = join(root, 'open');
    await mkdir(folder);
    await chmod(folder, 0o777);
    await expect(writeSecureFile(join(folder, 'config.json'), 'key')).rejects.toThrow(/can be written by other users \(mode 777\)/);
    await chmod(folder, 0o700);
    const path = join(folder, 'config.json');
    await writeSecureFile(path, 'key');
    await chown(path, 4242, 4242);
    await expect(writeSecureFile(path, 'key')).rejects.toThrow(/belongs to another user \(uid 4242\)/);
  });
});

describe('readSecureFile', () => {
  it('reads a private file and says undefined for a missing one', async () => {
    const path = join(root, 'config.json');
    expect(await readSecureFile(path)).toBeUndefined();
    await writeSecureFile(path, 'secret');
    expect(await readSecureFile(path)).toBe('secret');
  });

  it('refuses a symlink (O_NOFOLLOW), a file others can read, a file of another user, and a folder others can write', async () => {
    const attacker = join(root, 'attacker.txt');
    await writeFile(attacker, 'planted', { mode: 0o600 });
    const link = join(root, 'link.json');
    await symlink(attacker, link);
    await expect(readSecureFile(link)).rejects.toThrow(`${link} is a symbolic link; refusing to read it.`);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);

    const path = join(root, 'config.json');
    await writeFile(path, 'key', { mode: 0o644 });
    await chmod(path, 0o644);
    await expect(readSecureFile(path)).rejects.toThrow(`can be read by other users (mode 644); run \`chmod 600 ${path}\``);
    expect(await readSecureFile(path, { private: false })).toBe('key');
    await chmod(path, 0o600);
    await chown(path, 4242, 4242);
    await expect(readSecureFile(path)).rejects.toThrow(/belongs to another user \(uid 4242\)/);
    await chown(path, 0, 0);
    await chmod(root, 0o777);
    await expect(readSecureFile(path)).rejects.toThrow(/can be written by other users/);
    await chmod(root, 0o700);
    expect(await readSecureFile(path)).toBe('key');
  });
});
