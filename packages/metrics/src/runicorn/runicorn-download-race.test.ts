import { link, mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { copyArtifactFiles } from './runicorn-download.js';
import { UnsafeArtifactFileError } from './runicorn-errors.js';

// What happens to a source between its check and its copy: the test sets it, the mocked open runs it.
const swaps = new Map<string, () => Promise<void>>();

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof real.open = async (path, ...rest) => {
    const swap = swaps.get(String(path));
    if (swap) {
      swaps.delete(String(path));
      await swap();
    }
    return real.open(path, ...rest);
  };
  return { ...real, open, default: { ...real, open } };
});

let scratch: string;
let storage: string;
let target: string;
let secret: string;
const folder = () => join(storage, 'artifacts', 'model', 'demo', 'v1', 'files');
const listing = (paths: string[]) => ({
  artifact: 'demo:v1',
  files: paths.map((path) => ({
    path,
    size: 1,
    digest: 'sha256:00',
    modified_at: 1,
    absolute_path: join(folder(), path),
    is_remote: false,
  })),
  references: [],
  total_size: paths.length,
  total_files: paths.length,
  total_references: 0,
  is_remote: false,
});
const copy = (paths: string[]) =>
  copyArtifactFiles(listing(paths), { name: 'demo', type: 'model', version: 1, storage }, target).catch((error: unknown) => error);
const copied = async () => readdir(target).catch(() => [] as string[]);

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'runicorn-race-'));
  storage = join(scratch, 'storage');
  target = join(scratch, 'target');
  secret = join(scratch, 'id_ed25519');
  await writeFile(secret, 'PRIVATE KEY');
  await mkdir(folder(), { recursive: true });
  for (const name of ['a.bin', 'b.bin']) await writeFile(join(folder(), name), `weights ${name}`);
});

afterEach(async () => {
  swaps.clear();
  await rm(scratch, { recursive: true, force: true });
});

describe('copyArtifactFiles between check and copy', () => {
  it('refuses a source that became a symlink to a file outside, and leaves nothing copied', async () => {
    swaps.set(join(folder(), 'b.bin'), async () => {
      await rm(join(folder(), 'b.bin'));
      await symlink(secret, join(folder(), 'b.bin'));
    });
    const error = await copy(['a.bin', 'b.bin']);
    expect(error).toBeInstanceOf(UnsafeArtifactFileError);
    expect(error).toMatchObject({ file: 'b.bin', message: expect.stringContaining('became a symlink after it was checked') });
    // a.bin was copied before b.bin was swapped: it is taken back.
    expect(await copied()).toEqual([]);
  });

  it('refuses a source replaced by another file (a hard link to the secret), and leaves nothing copied', async () => {
    swaps.set(join(folder(), 'b.bin'), async () => {
      await rename(join(folder(), 'b.bin'), join(scratch, 'moved-away'));
      await link(secret, join(folder(), 'b.bin'));
    });
    const error = await copy(['a.bin', 'b.bin']);
    expect(error).toMatchObject({ name: 'UnsafeArtifactFileError', message: expect.stringContaining('was replaced after it was checked') });
    expect(await copied()).toEqual([]);
  });

  it('copies both when nothing moves', async () => {
    expect(await copy(['a.bin', 'b.bin'])).toEqual([join(target, 'a.bin'), join(target, 'b.bin')]);
    expect((await copied()).sort()).toEqual(['a.bin', 'b.bin']);
  });
});
