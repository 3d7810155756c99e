import { InvalidRequestError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createRunicornMock } from '../mocks/runicorn.js';
import { parseArtifactId } from './runicorn-artifacts.js';
import { RunicornClient } from './runicorn-client.js';
import { NotFoundError } from './runicorn-errors.js';

const BASE = 'http://127.0.0.1:23300';
let mock = createRunicornMock();
const { server, requests } = useMockServer(() => {
  mock = createRunicornMock({ seed: 3 });
  return mock.handlers;
});
const client = () => new RunicornClient({ logLevel: 'off' });
const paths = () => requests.map((request) => `${request.method} ${request.url.pathname}${request.url.search}`);
const runId = (index: number) => mock.state.runs[index]?.id as string;

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
    // The index moves `latest`; a promotion never reaches it. size_bytes is the latest version's.
    expect(myModel).toMatchObject({ num_versions: 3, latest_version: 3, aliases: { latest: 3 }, size_bytes: 98_568_192 });
    const page = await client().artifacts.listArtifacts({ limit: 1, offset: 1 });
    expect(page).toEqual(all.slice(1, 2));
    expect(paths()).toEqual(['GET /api/artifacts', 'GET /api/artifacts?type=model', 'GET /api/artifacts']);
  });

  it('lists versions newest first although the viewer sends them oldest first, and NotFoundError for an unknown artifact', async () => {
    const wire = (await (await fetch(`${BASE}/api/artifacts/my-model/versions`)).json()) as { version: number; aliases: string[] }[];
    expect(wire.map((version) => [version.version, version.aliases])).toEqual([
      [1, ['latest']],
      [2, ['latest']],
      [3, ['latest']],
    ]);
    const versions = await client().artifacts.listVersions('my-model');
    expect(versions.map((version) => version.version)).toEqual([3, 2, 1]);
    expect(versions[0]).toMatchObject({ aliases: ['latest'], num_files: 2, size_bytes: 98_568_192, status: 'ready' });
    const missing = await client()
      .artifacts.listVersions('nope')
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('404 Artifact not found: nope');
  });

  it('orders versions newest first whatever order the server gives', async () => {
    const shuffled = [2, 3, 1].map((version) => ({
      version,
      created_at: 1_700_000_000 + version,
      created_by_run: 'r',
      size_bytes: 1,
      num_files: 1,
      status: 'ready',
      aliases: ['latest'],
    }));
    server.use(http.get(`${BASE}/api/artifacts/my-model/versions`, () => HttpResponse.json(shuffled)));
    expect((await client().artifacts.listVersions('my-model')).map((version) => version.version)).toEqual([3, 2, 1]);
    expect((await client().artifacts.getArtifact('my-model')).version).toBe(3);
  });

  it('gets "my-model:v3" from /api/artifacts/my-model/v3', async () => {
    const artifact = await client().artifacts.getArtifact('my-model:v3');
    expect(artifact).toMatchObject({ name: 'my-model', version: 3, type: 'model', size_bytes: 98_568_192, aliases: ['latest'] });
    expect(artifact.created_by_run).toBe(runId(1));
    expect(paths()).toEqual(['GET /api/artifacts/my-model/v3']);
  });

  it('resolves "latest" and a bare name to the newest version, though every version keeps a stale latest alias', async () => {
    expect((await client().artifacts.getArtifact('my-model')).version).toBe(3);
    expect((await client().artifacts.getArtifact('my-model:latest')).version).toBe(3);
    expect((await client().artifacts.listArtifactFiles('imagenet-subset')).artifact).toBe('imagenet-subset:v2');
    expect(paths()).toEqual([
      'GET /api/artifacts/my-model/versions',
      'GET /api/artifacts/my-model/v3',
      'GET /api/artifacts/my-model/versions',
      'GET /api/artifacts/my-model/v3',
      'GET /api/artifacts/imagenet-subset/versions',
      'GET /api/artifacts/imagenet-subset/v2/files',
    ]);
  });

  it('resolves production through the metadata the promote route writes, as the creating runs report it', async () => {
    expect((await client().artifacts.getArtifact('my-model:production')).version).toBe(2);
    expect(paths()).toEqual([
      'GET /api/artifacts/my-model/versions',
      `GET /api/runs/${runId(1)}/artifacts`,
      `GET /api/runs/${runId(0)}/artifacts`,
      'GET /api/artifacts/my-model/v2',
    ]);
    // Promoting v3 through the viewer moves the alias.
    await fetch(`${BASE}/api/artifacts/my-model/v3/promote`, { method: 'POST', body: '{"to_stage":"staging"}' });
    await fetch(`${BASE}/api/artifacts/my-model/v3/promote`, { method: 'POST', body: '{"to_stage":"production"}' });
    expect((await client().artifacts.getArtifact('my-model:production')).version).toBe(3);
    await expect(client().artifacts.getArtifact('my-model:staging')).rejects.toThrow('my-model has no version with the alias "staging"');
    await expect(client().artifacts.getArtifact('my-model:v9')).rejects.toThrow('404 Version not found: my-model:v9');
  });

  it('lists the files of a version where the viewer stores them, and its lineage', async () => {
    const files = await client().artifacts.listArtifactFiles('my-model:v2');
    expect(files.artifact).toBe('my-model:v2');
    expect(files.files.map((file) => [file.path, file.absolute_path, typeof file.modified_at, file.digest.slice(0, 7)])).toEqual([
      ['model.pt', '/data/runicorn/artifacts/model/my-model/v2/files/model.pt', 'number', 'sha256:'],
      ['config.json', '/data/runicorn/artifacts/model/my-model/v2/files/config.json', 'number', 'sha256:'],
    ]);
    const lineage = await client().artifacts.getArtifactLineage('my-model:v3', { max_depth: 2 });
    expect(lineage.root_artifact).toBe('my-model:v3');
    expect(lineage.nodes.map((node) => [node.node_type, node.node_id])).toEqual([
      ['artifact', 'my-model:v3'],
      ['run', `run:${runId(1)}`],
      ['artifact', 'imagenet-subset:v2'],
      ['run', `run:${runId(6)}`],
    ]);
    expect(lineage.edges.map((edge) => [edge.source, edge.edge_type, edge.target])).toEqual([
      [`run:${runId(1)}`, 'produces', 'my-model:v3'],
      ['imagenet-subset:v2', 'uses', `run:${runId(1)}`],
      [`run:${runId(6)}`, 'produces', 'imagenet-subset:v2'],
    ]);
    expect(paths().at(-1)).toBe('GET /api/artifacts/my-model/v3/lineage?max_depth=2');
    const shallow = await client().artifacts.getArtifactLineage('my-model:v3', { max_depth: 1 });
    expect(shallow.nodes.map((node) => node.node_id)).toEqual(['my-model:v3', `run:${runId(1)}`, 'imagenet-subset:v2']);
  });

  it('lists what a run created and used, with each version lifecycle stage', async () => {
    const run = runId(0);
    const related = await client().artifacts.listExperimentArtifacts(run);
    expect(related.created.map((item) => [`${item.name}:v${item.version}`, item.lifecycle_stage, item.aliases])).toEqual([
      ['my-model:v1', 'experimental', ['latest']],
      ['my-model:v2', 'production', ['latest', 'production']],
    ]);
    expect(related.used.map((item) => `${item.name}:v${item.version}`)).toEqual(['imagenet-subset:v2']);
    expect(paths()).toEqual([`GET /api/runs/${run}/artifacts`]);
  });
});
