import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunicornClient } from './runicorn-client.js';
import { RunicornAPIError, UnsafeArtifactFileError } from './runicorn-errors.js';

// A viewer on loopback that serves one artifact version's listing, written by each test: as the
// real viewer does, or as a hostile or broken one would (the client only ever reads JSON from it).
let server: Server;
let base: string;
let scratch: string;
let storage: string;
let target: string;
let listing: { path: string; absolute_path: string | null; size?: number }[];
let artifactType: string;
const requested: string[] = [];

const versionFolder = () => join(storage, 'artifacts', 'model', 'demo-model', 'v2', 'files');
const file = (path: string, absolute = join(versionFolder(), path)) => ({ path, absolute_path: absolute });

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'runicorn-download-'));
  storage = join(scratch, 'storage');
  target = join(scratch, 'target');
  await mkdir(versionFolder(), { recursive: true });
  await writeFile(join(versionFolder(), 'model.pt'), 'weights v2');
  await mkdir(join(versionFolder(), 'sub'));
  await writeFile(join(versionFolder(), 'sub', 'config.json'), '{"layers":50}');
  listing = [file('model.pt'), file('sub/config.json')];
  artifactType = 'model';
  requested.length = 0;
  server = createServer((request, response) => {
    requested.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? '/', 'http://viewer');
    const version = (number: number) => ({
      version: number,
      created_at: 1_700_000_000 + number,
      created_by_run: '20250101_000000_abcdef',
      size_bytes: 10,
      num_files: 2,
      status: 'ready',
      aliases: ['latest'],
    });
    const routes: Record<string, unknown> = {
      '/api/config': { user_root_dir: storage, storage, config_file: '/x/config.json' },
      '/api/artifacts': [
        {
          name: 'demo-model',
          type: artifactType,
          num_versions: 2,
          latest_version: 2,
          size_bytes: 10,
          created_at: 1,
          updated_at: 2,
          aliases: { latest: 2 },
        },
      ],
      // Oldest first, and every version keeps `latest`, as the real viewer lists them.
      '/api/artifacts/demo-model/versions': [version(1), version(2)],
      '/api/artifacts/demo-model/v2/files': {
        artifact: 'demo-model:v2',
        files: listing.map((item) => ({ size: 10, digest: 'sha256:00', modified_at: 1, is_remote: false, ...item })),
        references: [],
        total_size: 20,
        total_files: listing.length,
        total_references: 0,
        is_remote: false,
      },
    };
    const body = routes[url.pathname];
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { detail: 'Not Found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(scratch, { recursive: true, force: true });
});

const download = (id = 'demo-model', query = {}) =>
  new RunicornClient(base, { logLevel: 'off', maxRetries: 0 }).artifacts.downloadArtifact(id, target, query);
const failure = (id = 'demo-model:v2') => download(id).catch((error: unknown) => error);
const copied = async () => readdir(target, { recursive: true }).catch(() => [] as string[]);

describe('artifacts.downloadArtifact', () => {
  it('copies the newest version from its own folder in the viewer storage', async () => {
    const written = await download();
    expect(written).toEqual([join(target, 'model.pt'), join(target, 'sub', 'config.json')]);
    expect(await readFile(join(target, 'model.pt'), 'utf8')).toBe('weights v2');
    expect(await readFile(join(target, 'sub', 'config.json'), 'utf8')).toBe('{"layers":50}');
    expect((await copied()).sort()).toEqual(['model.pt', 'sub', join('sub', 'config.json')]);
    expect(requested).toContain('GET /api/artifacts/demo-model/v2/files');
  });

  it('refuses a planted file outside the storage (absolute_path elsewhere) and copies nothing', async () => {
    const secret = join(scratch, 'home', '.ssh', 'id_ed25519');
    await mkdir(join(scratch, 'home', '.ssh'), { recursive: true });
    await writeFile(secret, '-----BEGIN OPENSSH PRIVATE KEY-----');
    // The good file first: a check that ran as it copied would already have written it.
    listing = [file('model.pt'), file('id_ed25519', secret)];
    const error = await failure();
    expect(error).toBeInstanceOf(UnsafeArtifactFileError);
    expect(error).toBeInstanceOf(RunicornAPIError);
    expect(error).toMatchObject({ name: 'UnsafeArtifactFileError', artifact: 'demo-model:v2', file: 'id_ed25519' });
    expect((error as Error).message).toContain(`its absolute_path ${secret} is not ${join(versionFolder(), 'id_ed25519')}`);
    expect((error as Error).message).toContain('Nothing was copied.');
    expect(await copied()).toEqual([]);
  });

  it('refuses a relative path that climbs out of the version folder or the target folder', async () => {
    await writeFile(join(storage, 'artifacts', 'model', 'demo-model', 'v2', 'metadata.json'), '{}');
    listing = [file('model.pt'), file('../metadata.json')];
    expect(await failure()).toMatchObject({ name: 'UnsafeArtifactFileError', file: '../metadata.json' });
    listing = [file('model.pt'), { path: '/etc/passwd', absolute_path: '/etc/passwd' }];
    expect((await failure()) as Error).toMatchObject({
      file: '/etc/passwd',
      message: expect.stringContaining('is not a relative file path'),
    });
    expect(await copied()).toEqual([]);
  });

  it('refuses a symlink inside the version folder that escapes it', async () => {
    const outside = join(scratch, 'outside.txt');
    await writeFile(outside, 'not part of the artifact');
    await symlink(outside, join(versionFolder(), 'link.pt'));
    listing = [file('model.pt'), file('link.pt')];
    const error = await failure();
    expect(error).toMatchObject({ name: 'UnsafeArtifactFileError', file: 'link.pt' });
    expect((error as Error).message).toContain(`resolves to ${outside}`);
    expect(await copied()).toEqual([]);
  });

  it('refuses a symlinked folder on the way, and a listed folder that is not a regular file', async () => {
    const elsewhere = join(scratch, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'key'), 'secret');
    await symlink(elsewhere, join(versionFolder(), 'dir'));
    listing = [file('dir/key')];
    expect(await failure()).toMatchObject({ name: 'UnsafeArtifactFileError', file: 'dir/key' });
    listing = [file('sub')];
    expect(await failure()).toMatchObject({ name: 'UnsafeArtifactFileError', message: expect.stringContaining('not a regular file') });
    expect(await copied()).toEqual([]);
  });

  it('refuses a type that is not a plain folder name, and a listing without absolute_path', async () => {
    artifactType = '../../..';
    expect(await failure()).toMatchObject({ name: 'UnsafeArtifactFileError', message: expect.stringContaining('not a plain folder name') });
    artifactType = 'model';
    listing = [{ path: 'model.pt', absolute_path: null }];
    expect(await failure()).toMatchObject({ name: 'UnsafeArtifactFileError', message: expect.stringContaining('gave no absolute_path') });
    expect(await copied()).toEqual([]);
  });

  it('says so when the version is not on this machine', async () => {
    await rm(join(storage, 'artifacts'), { recursive: true });
    const error = await failure();
    expect(error).toBeInstanceOf(RunicornAPIError);
    expect(error).not.toBeInstanceOf(UnsafeArtifactFileError);
    expect((error as Error).message).toMatch(/demo-model:v2 is not stored on this machine \(no folder .*v2[/\\]files\)/);
  });
});
