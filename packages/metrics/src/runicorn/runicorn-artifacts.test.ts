import { InvalidRequestError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createRunicornMock } from '../mocks/runicorn.js';
import { parseArtifactId } from './runicorn-artifacts.js';
import { RunicornClient } from './runicorn-client.js';
import { NotFoundError, RunicornAPIError } from './runicorn-errors.js';

let mock = createRunicornMock();
const { server, requests } = useMockServer(() => {
  mock = createRunicornMock({ seed: 3 });
  return mock.handlers;
});
const client = () => new RunicornClient({ logLevel: 'off' });
const paths = () => requests.map((request) => `${request.method} ${request.url.pathname}${request.url.search}`);

describe('parseArtifactId', () => {
  it('reads name:vN, name:N, name:alias and a bare name', () => {
    expect(parseArtifactId('my-model:v3')).toEqual({ name: 'my-model', version: 3 });
    expect(parseArtifactId('my-model:12')).toEqual({ name: 'my-model', version: 12 });
    expect(parseArtifactId('my-model:production')).toEqual({ name: 'my-model', version: 'production' });
    expect(parseArtifactId('my-model')).toEqual({ name: 'my-model', version: 'latest' });
  });

  it('refuses malformed ids', () => {
    expect(() => parseArtifactId('my-model:')).toThrow(InvalidRequestError);
    expect(() => parseArtifactId(':v1')).toThrow('Invalid artifact_id: must be "name", "name:vN", "name:N" or "name:alias", got ":v1"');
    expect(() => parseArtifactId('my-model:v0')).toThrow('versions start at v1');
    expect(() => parseArtifactId('')).toThrow('Invalid artifact_id: must be a non-empty string');
  });
});

describe('client.artifacts', () => {
  it('lists artifacts (a bare array on the wire), filtered by type and sliced client-side', async () => {
    const all = await client().artifacts.listArtifacts();
    expect(all.map((artifact) => artifact.name).sort()).toEqual(['bert-finetuned', 'imagenet-subset', 'my-model']);
    const models = await client().artifacts.listArtifacts({ type: 'model' });
    expect(models.map((artifact) => artifact.type)).toEqual(['model', 'model']);
    const myModel = models.find((artifact) => artifact.name === 'my-model');
    expect(myModel).toMatchObject({ num_versions: 3, latest_version: 3, aliases: { production: 2, latest: 3 } });
    const page = await client().artifacts.listArtifacts({ limit: 1, offset: 1 });
    expect(page).toEqual(all.slice(1, 2));
    expect(paths()).toEqual(['GET /api/artifacts', 'GET /api/artifacts?type=model', 'GET /api/artifacts']);
  });

  it('lists versions newest first, and NotFoundError for an unknown artifact', async () => {
    const versions = await client().artifacts.listVersions('my-model');
    expect(versions.map((version) => version.version)).toEqual([3, 2, 1]);
    expect(versions[0]).toMatchObject({ aliases: ['latest'], num_files: 2, size_bytes: 98_568_192, status: 'ready' });
    const missing = await client()
      .artifacts.listVersions('nope')
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('404 Artifact not found: nope');
  });

  it('gets "my-model:v3" from /api/artifacts/my-model/v3', async () => {
    const artifact = await client().artifacts.getArtifact('my-model:v3');
    expect(artifact).toMatchObject({ name: 'my-model', version: 3, type: 'model', size_bytes: 98_568_192, aliases: ['latest'] });
    expect(artifact.created_by_run).toBe(mock.state.runs[1]?.id);
    expect(paths()).toEqual(['GET /api/artifacts/my-model/v3']);
  });

  it('resolves an alias or a bare name through the version list', async () => {
    expect((await client().artifacts.getArtifact('my-model:production')).version).toBe(2);
    expect((await client().artifacts.getArtifact('imagenet-subset')).version).toBe(2);
    expect(paths()).toEqual([
      'GET /api/artifacts/my-model/versions',
      'GET /api/artifacts/my-model/v2',
      'GET /api/artifacts/imagenet-subset/versions',
      'GET /api/artifacts/imagenet-subset/v2',
    ]);
    await expect(client().artifacts.getArtifact('my-model:staging')).rejects.toThrow('my-model has no version with the alias "staging"');
    await expect(client().artifacts.getArtifact('my-model:v9')).rejects.toThrow('404 Version not found: my-model:v9');
  });

  it('lists the files of a version and its lineage', async () => {
    const files = await client().artifacts.listArtifactFiles('my-model:v2');
    expect(files.artifact).toBe('my-model:v2');
    expect(files.files.map((file) => [file.path, file.absolute_path])).toEqual([
      ['model.pt', '/data/runicorn/artifacts/model/my-model/versions/v2/model.pt'],
      ['config.json', '/data/runicorn/artifacts/model/my-model/versions/v2/config.json'],
    ]);
    const lineage = await client().artifacts.getArtifactLineage('my-model:v3', { max_depth: 2 });
    expect(lineage.edges).toEqual([
      { source: mock.state.runs[1]?.id, target: 'my-model:v3', relation: 'produced' },
      { source: 'imagenet-subset:v2', target: mock.state.runs[1]?.id, relation: 'used' },
    ]);
    expect(paths().at(-1)).toBe('GET /api/artifacts/my-model/v3/lineage?max_depth=2');
  });

  it('lists what a run created and used', async () => {
    const run = mock.state.runs[0]?.id as string;
    const related = await client().artifacts.listExperimentArtifacts(run);
    expect(related.created.map((item) => `${item.name}:v${item.version}`)).toEqual(['my-model:v1', 'my-model:v2']);
    expect(related.used.map((item) => `${item.name}:v${item.version}`)).toEqual(['imagenet-subset:v2']);
    expect(paths()).toEqual([`GET /api/runs/${run}/artifacts`]);
  });

  it('downloads a version by copying the files of a local viewer (Node)', async () => {
    const { mkdtemp, mkdir, readFile, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const storage = await mkdtemp(join(tmpdir(), 'runicorn-storage-'));
    mock = createRunicornMock({ seed: 3, storage });
    server.resetHandlers(...mock.handlers);
    const source = join(storage, 'artifacts/model/my-model/versions/v2');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'model.pt'), 'weights');
    await writeFile(join(source, 'config.json'), '{"layers":50}');
    const target = await mkdtemp(join(tmpdir(), 'runicorn-download-'));
    const written = await client().artifacts.downloadArtifact('my-model:v2', target);
    expect(written).toEqual([join(target, 'model.pt'), join(target, 'config.json')]);
    expect(await readFile(join(target, 'config.json'), 'utf8')).toBe('{"layers":50}');
    await expect(client().artifacts.downloadArtifact('my-model:v3', target)).rejects.toThrow(/ENOENT/);
    await expect(client().artifacts.downloadArtifact('my-model:v3', '')).rejects.toThrow('Invalid target_dir');
  });

  it('refuses a manifest path that leaves the target folder', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    mock.state.artifacts[1]?.versions[0]?.files.push({ path: '../escape.txt', size: 1, digest: 'x' });
    const target = await mkdtemp(join(tmpdir(), 'runicorn-download-'));
    const failure = await client()
      .artifacts.downloadArtifact('my-model:v1', target)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RunicornAPIError);
    expect((failure as Error).message).toBe('my-model:v1 lists a file outside its folder: ../escape.txt');
  });
});
