// Bad input for RunicornClient and its extensions (issue 8, "Bad input"): run ids, artifact
// `name:vN` strings and session ids stay one encoded path segment, header values with CR/LF are
// refused, and, property-based, any argument to any public method is either sent as the spec
// allows (the spec guard in front of the mock checks every request) or refused with a typed error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InvalidRequestError, normalizeBaseURL } from '@trainwire/core';
import { type SpecGuard, specGuard, useMockServer } from '@trainwire/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunicornMock, runicornService } from '../mocks/runicorn.js';
import { expectTypedOutcome, hostileNumber, hostileParams, hostileString, maybe, outcome } from '../test-support/hostile-input.js';
import { withWholeSegmentParams } from '../test-support/segment-params.js';
import { parseArtifactId } from './runicorn-artifacts.js';
import { connect, DEFAULT_BASE_URL, RunicornClient } from './runicorn-client.js';
import { NotFoundError, RunicornAPIError } from './runicorn-errors.js';

const BASE = DEFAULT_BASE_URL;
const seeded = createRunicornMock({ seed: 3 }).state;
const runIds = seeded.runs.map((run) => run.id);
const artifactNames = seeded.artifacts.map((artifact) => artifact.name);
const RUN = runIds[0] as string;

let guard: SpecGuard;
const { requests } = useMockServer(() => {
  const mock = createRunicornMock({ seed: 3, exportAvailable: true });
  guard = specGuard(withWholeSegmentParams(runicornService), BASE);
  return [guard, ...mock.handlers];
});
const client = (options: ConstructorParameters<typeof RunicornClient>[0] = {}) =>
  new RunicornClient({ logLevel: 'off', maxRetries: 0, ...(typeof options === 'string' ? { baseURL: options } : options) });
const pathsSent = () => requests.map((request) => `${request.method} ${request.url.pathname}`);

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const ODD_IDS = ['a/b', '../runs', 'x?y=1', 'x#frag', '100%', '%2F', 'ünï/cødé', 'run:v3', '..%2F..', 'a\\b', '漢字😀'];
const enc = encodeURIComponent;

describe('path parameters reach the viewer as one encoded segment', () => {
  it.each(ODD_IDS)('run id %j', async (id) => {
    const runicorn = client();
    await expect(runicorn.getExperiment(id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(runicorn.getMetrics(id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(runicorn.exportExperiment(id, { format: 'csv' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(runicorn.artifacts.listExperimentArtifacts(id)).rejects.toBeInstanceOf(NotFoundError);
    expect(pathsSent()).toEqual([
      `GET /api/runs/${enc(id)}`,
      `GET /api/runs/${enc(id)}/metrics`,
      `GET /api/export/${enc(id)}/csv`,
      `GET /api/runs/${enc(id)}/artifacts`,
    ]);
    expect(guard.violations).toEqual([]);
  });

  it.each(ODD_IDS)('artifact name %j with a version', async (name) => {
    await expect(client().artifacts.getArtifact(`${name}:v3`)).rejects.toBeInstanceOf(NotFoundError);
    expect(pathsSent()).toEqual([`GET /api/artifacts/${enc(name)}/v3`]);
  });

  it('an artifact name with colons keeps them in its segment; the last part picks the version or alias', async () => {
    const runicorn = client();
    await expect(runicorn.artifacts.getArtifact('team:my-model:v2')).rejects.toBeInstanceOf(NotFoundError);
    await expect(runicorn.artifacts.getArtifact('team:my-model:production')).rejects.toBeInstanceOf(NotFoundError);
    await expect(runicorn.artifacts.listArtifactFiles('a/b:7')).rejects.toBeInstanceOf(NotFoundError);
    expect(pathsSent()).toEqual([
      'GET /api/artifacts/team%3Amy-model/v2',
      'GET /api/artifacts/team%3Amy-model/versions',
      'GET /api/artifacts/a%2Fb/v7/files',
    ]);
  });

  it('a seeded artifact is found by name:vN, name:N, name:alias and name', async () => {
    const runicorn = client();
    const name = artifactNames[1] as string;
    const latest = await runicorn.artifacts.getArtifact(name);
    expect((await runicorn.artifacts.getArtifact(`${name}:v${latest.version}`)).version).toBe(latest.version);
    expect((await runicorn.artifacts.getArtifact(`${name}:${latest.version}`)).version).toBe(latest.version);
    expect((await runicorn.artifacts.getArtifact(`${name}:latest`)).version).toBe(latest.version);
  });

  it.each(ODD_IDS)('remote viewer session id %j', async (id) => {
    await expect(client().remote.getViewerStatus(id)).rejects.toBeInstanceOf(NotFoundError);
    expect(pathsSent()).toEqual([`GET /api/remote/viewer/status/${enc(id)}`]);
  });

  it.each(['.', '..'])('%j is refused before sending, naming the parameter', async (id) => {
    const runicorn = client();
    const calls = [
      () => runicorn.getExperiment(id),
      () => runicorn.getMetrics(id),
      () => runicorn.exportExperiment(id),
      () => runicorn.exportExperiment(id, { format: 'csv' }),
      () => runicorn.artifacts.getArtifact(`${id}:v1`),
      () => runicorn.artifacts.listVersions(id),
      () => runicorn.artifacts.listExperimentArtifacts(id),
      () => runicorn.remote.getViewerStatus(id),
    ];
    for (const call of calls) {
      const error = await failure(call);
      expect(error, String(error)).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).field).toMatch(/^path\.(run_id|artifact_name|session_id)$/);
    }
    expect(requests).toEqual([]);
  });

  it('an artifact version beyond the safe integers is refused, not sent as 1e+24', async () => {
    const error = await failure(() => client().artifacts.getArtifact(`my-model:v${'9'.repeat(25)}`));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('artifact_id');
    expect(requests).toEqual([]);
  });
});

describe('header values with CR or LF are refused', () => {
  const INJECTED = ['x\r\nX-Injected: 1', 'x\nX-Injected: 1', 'x\rX-Injected: 1', 'x\u0000y'];

  it.each(INJECTED)('in the token %j and default headers, at construction, without echoing the token', (value) => {
    let thrown: unknown;
    try {
      client({ apiKey: `rk_token_${value}` });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect(String(thrown)).not.toContain('rk_token_');
    expect(() => client({ headers: { 'X-Trace': value } })).toThrow(InvalidRequestError);
  });

  it.each(INJECTED)('in a per-call header %j, before sending', async (value) => {
    const runicorn = client();
    await expect(runicorn.getExperiment(RUN, { headers: { 'X-Trace': value } })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(runicorn.remote.connect('gpu-box', { username: 'ana' }, { headers: { 'X-Trace': value } })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(requests).toEqual([]);
  });
});

// Property-based: every public method with arbitrary arguments.

const runId = fc.oneof(fc.constantFrom(...runIds), hostileString);
const artifactName = fc.oneof(fc.constantFrom(...artifactNames), hostileString);
const artifactId = fc.oneof(
  artifactName,
  fc
    .tuple(
      artifactName,
      fc.oneof(
        fc.nat({ max: 5 }).map((version) => `v${version}`),
        fc.nat({ max: 5 }).map(String),
        fc.constantFrom('latest', 'production', 'v', 'v-1', `v${'9'.repeat(25)}`),
        hostileString,
      ),
    )
    .map(([name, selector]) => `${name}:${selector}`),
);
const artifactType = fc.constantFrom('model', 'dataset');
const count = fc.integer({ min: 0, max: 20 });
const status = fc.oneof(
  fc.constantFrom('running', 'finished', 'failed'),
  fc.array(fc.constantFrom('running', 'finished', 'failed'), { maxLength: 2 }),
);
const host = fc.oneof(fc.constantFrom('gpu-box', '10.0.0.7'), hostileString);
const connectionId = fc.oneof(fc.constantFrom('ana@gpu-box:22', 'gpu-box'), hostileString);
const credentials = {
  password: hostileString,
  private_key: hostileString,
  private_key_path: hostileString,
  passphrase: hostileString,
  use_agent: fc.boolean(),
};
const exportOptions = hostileParams({ format: fc.constantFrom('json', 'csv'), include_media: fc.boolean() });
const folder = mkdtemp(join(tmpdir(), 'runicorn-bad-input-'));
afterAll(async () => rm(await folder, { recursive: true, force: true }));
/** A file path under the test's own folder, or a value that is not a usable path at all. */
const filePath = fc.oneof(
  fc.nat({ max: 3 }).map((index) => ({ under: `export-${index}.json` })),
  fc.constantFrom('', '   ', null, undefined, 5, {}),
);

type Call = (runicorn: RunicornClient, ...args: never[]) => unknown;
interface Method {
  name: string;
  args: fc.Arbitrary<unknown[]>;
  call: Call;
  synchronous?: boolean;
  allowed?: readonly object[];
}
const args = (...items: fc.Arbitrary<unknown>[]) => fc.tuple(...items) as fc.Arbitrary<unknown[]>;
const inFolder = async (path: unknown) =>
  typeof path === 'object' && path !== null && 'under' in path ? join(await folder, (path as { under: string }).under) : path;
/** A Node file-system error (`code` like ENOENT): the viewer reports paths of its own disk that are not on this one. */
const FileSystemError = {
  [Symbol.hasInstance]: (value: unknown): boolean => value instanceof Error && /^E[A-Z]+$/.test(String((value as { code?: unknown }).code)),
};

const methods: Method[] = [
  { name: 'healthCheck', args: args(), call: (runicorn) => runicorn.healthCheck(), allowed: [RunicornAPIError] },
  {
    name: 'listExperiments',
    args: args(
      hostileParams({
        project: fc.constantFrom('vision', 'nlp'),
        name: hostileString,
        status,
        limit: fc.integer({ min: 1, max: 10 }),
        offset: count,
      }),
    ),
    call: (runicorn, query) => runicorn.listExperiments(query),
  },
  { name: 'getExperiment', args: args(maybe(runId)), call: (runicorn, id) => runicorn.getExperiment(id) },
  { name: 'getRun', args: args(maybe(runId)), call: (runicorn, id) => runicorn.getRun(id) },
  { name: 'listProjects', args: args(), call: (runicorn) => runicorn.listProjects() },
  {
    name: 'getMetrics',
    args: args(
      maybe(runId),
      hostileParams({
        metric_names: fc.array(fc.oneof(fc.constantFrom('loss', 'accuracy'), hostileString), { maxLength: 3 }),
        limit: fc.integer({ min: 1, max: 50 }),
        downsample: fc.oneof(fc.integer({ min: 100, max: 50_000 }), hostileNumber),
      }),
    ),
    call: (runicorn, id, selection) => runicorn.getMetrics(id, selection),
  },
  {
    name: 'metricRows',
    args: args(maybe(runId), maybe(fc.oneof(fc.integer({ min: 100, max: 50_000 }), hostileNumber))),
    call: (runicorn, id, downsample) => runicorn.metricRows(id, downsample),
  },
  { name: 'getConfig', args: args(), call: (runicorn) => runicorn.getConfig() },
  {
    name: 'updateConfig',
    args: args(hostileParams({ user_root_dir: fc.oneof(fc.constantFrom('/data/other', 'C:\\runs'), hostileString) })),
    call: (runicorn, config) => runicorn.updateConfig(config),
  },
  {
    name: 'exportExperiment',
    args: args(maybe(runId), exportOptions),
    call: (runicorn, id, options) => runicorn.exportExperiment(id, options),
  },
  {
    name: 'exportExperimentToFile',
    args: args(maybe(runId), filePath, exportOptions),
    call: async (runicorn, id, path, options) => runicorn.exportExperimentToFile(id, (await inFolder(path)) as never, options),
  },
  { name: 'getGpuInfo', args: args(), call: (runicorn) => runicorn.getGpuInfo() },
  {
    name: 'artifacts.listArtifacts',
    args: args(hostileParams({ type: artifactType, limit: fc.integer({ min: 1, max: 5 }), offset: count })),
    call: (runicorn, query) => runicorn.artifacts.listArtifacts(query),
  },
  {
    name: 'artifacts.listVersions',
    args: args(maybe(artifactName), hostileParams({ type: artifactType })),
    call: (runicorn, name, query) => runicorn.artifacts.listVersions(name, query),
  },
  {
    name: 'artifacts.getArtifact',
    args: args(maybe(artifactId), hostileParams({ type: artifactType })),
    call: (runicorn, id, query) => runicorn.artifacts.getArtifact(id, query),
  },
  {
    name: 'artifacts.listArtifactFiles',
    args: args(maybe(artifactId), hostileParams({ type: artifactType })),
    call: (runicorn, id, query) => runicorn.artifacts.listArtifactFiles(id, query),
  },
  {
    name: 'artifacts.getArtifactLineage',
    args: args(
      maybe(artifactId),
      hostileParams({ type: artifactType, max_depth: fc.oneof(fc.integer({ min: 1, max: 5 }), hostileNumber) }),
    ),
    call: (runicorn, id, query) => runicorn.artifacts.getArtifactLineage(id, query),
  },
  {
    name: 'artifacts.listExperimentArtifacts',
    args: args(maybe(runId)),
    call: (runicorn, id) => runicorn.artifacts.listExperimentArtifacts(id),
  },
  {
    name: 'artifacts.downloadArtifact',
    args: args(maybe(artifactId), filePath, hostileParams({ type: artifactType })),
    call: async (runicorn, id, target, query) => runicorn.artifacts.downloadArtifact(id, (await inFolder(target)) as never, query),
    allowed: [RunicornAPIError, FileSystemError],
  },
  {
    name: 'remote.connect',
    args: args(
      maybe(host),
      hostileParams({
        ...credentials,
        port: fc.oneof(fc.constant(22), hostileNumber),
        username: fc.oneof(fc.constant('ana'), hostileString),
      }),
    ),
    call: (runicorn, target, connection) => runicorn.remote.connect(target, connection),
  },
  {
    name: 'remote.disconnect',
    args: args(maybe(connectionId), hostileParams({ port: fc.oneof(fc.constant(22), hostileNumber), username: hostileString })),
    call: (runicorn, id, endpoint) => runicorn.remote.disconnect(id, endpoint),
  },
  { name: 'remote.listSessions', args: args(), call: (runicorn) => runicorn.remote.listSessions() },
  {
    name: 'remote.startViewer',
    args: args(
      maybe(connectionId),
      maybe(fc.oneof(fc.constant('/home/ana/runs'), hostileString)),
      hostileParams({
        ...credentials,
        local_port: fc.oneof(fc.integer({ min: 1024, max: 65_535 }), hostileNumber),
        remote_port: hostileNumber,
        conda_env: hostileString,
      }),
    ),
    call: (runicorn, id, root, viewer) => runicorn.remote.startViewer(id, root, viewer),
  },
  { name: 'remote.stopViewer', args: args(maybe(hostileString)), call: (runicorn, id) => runicorn.remote.stopViewer(id) },
  { name: 'remote.listViewerSessions', args: args(), call: (runicorn) => runicorn.remote.listViewerSessions() },
  { name: 'remote.getViewerStatus', args: args(maybe(hostileString)), call: (runicorn, id) => runicorn.remote.getViewerStatus(id) },
  {
    name: 'remote.listRemoteDirectory',
    args: args(maybe(connectionId), maybe(hostileString)),
    call: (runicorn, id, path) => runicorn.remote.listRemoteDirectory(id, path),
  },
  {
    name: 'remote.checkRemotePath',
    args: args(maybe(connectionId), maybe(hostileString)),
    call: (runicorn, id, path) => runicorn.remote.checkRemotePath(id, path),
  },
  { name: 'remote.getRemoteStatus', args: args(), call: (runicorn) => runicorn.remote.getRemoteStatus() },
  { name: 'parseArtifactId', args: args(maybe(artifactId)), call: (_runicorn, id) => parseArtifactId(id), synchronous: true },
  {
    name: 'connect',
    args: args(
      maybe(fc.constantFrom(BASE, `${BASE}/`)),
      hostileParams({ timeout: fc.integer({ min: 1_000, max: 5_000 }), maxRetries: fc.constantFrom(0) }),
    ),
    call: async (_runicorn, baseURL, options) => (await connect(baseURL, options)).close(),
    allowed: [RunicornAPIError, ConfigError],
  },
];

describe('RunicornClient with arbitrary arguments', () => {
  for (const { name, args: arbitrary, call, synchronous, allowed } of methods) {
    it(`${name}: sends what the spec allows or refuses with a typed error`, async () => {
      const runicorn = client();
      await fc.assert(
        fc.asyncProperty(arbitrary, async (values) => {
          const result = await outcome(() => call(runicorn, ...(values as never[])));
          expectTypedOutcome(result, guard, `${name}(${fc.stringify(values)})`, { synchronous, allowed });
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('what the properties found, pinned', () => {
  it('a null or non-string-list status, a string query and an unknown option are refused naming the field', async () => {
    const runicorn = client();
    await expect(runicorn.listExperiments({ status: null } as never)).rejects.toThrow(/query\.status/);
    await expect(runicorn.listExperiments({ status: 3 } as never)).rejects.toThrow(/query\.status/);
    await expect(runicorn.listExperiments('vision' as never)).rejects.toThrow(/Invalid query: must be an object/);
    await expect(runicorn.listExperiments({ projects: 'vision' } as never)).rejects.toThrow(/query\.projects/);
    await expect(runicorn.artifacts.getArtifact('my-model', { kind: 'model' } as never)).rejects.toThrow(/query\.kind/);
    expect(requests).toEqual([]);
  });

  it('null options read as none', async () => {
    const runicorn = client();
    expect((await runicorn.listExperiments(null as never)).length).toBeGreaterThan(0);
    expect((await runicorn.getMetrics(RUN, null as never)).run_id).toBe(RUN);
    expect((await runicorn.exportExperiment(RUN, null as never)).byteLength).toBeGreaterThan(0);
    expect((await runicorn.artifacts.getArtifact(artifactNames[0] as string, null as never)).name).toBe(artifactNames[0]);
  });

  it('validating methods reject instead of throwing at the call', () => {
    const runicorn = client();
    const calls = [
      () => runicorn.getExperiment(''),
      () => runicorn.metricRows(''),
      () => runicorn.artifacts.listVersions(''),
      () => runicorn.artifacts.listExperimentArtifacts(''),
      () => runicorn.remote.connect('', {}),
      () => runicorn.remote.stopViewer(''),
      () => runicorn.remote.checkRemotePath('', ''),
    ];
    for (const call of calls) {
      const pending = call();
      expect(pending).toBeInstanceOf(Promise);
      pending.catch(() => undefined);
    }
  });

  it('a bigint in a message, a bad timeout or a non-string base URL is a typed error', () => {
    expect(() => client({ timeout: Object.create(null) })).toThrow(/Invalid timeout/);
    expect(() => client({ maxRetries: -1 })).toThrow(/Invalid maxRetries/);
    expect(() => client({ baseURL: 10n as never })).toThrow(ConfigError);
    return expect(client().listExperiments({ limit: 10n as never })).rejects.toThrow(/Invalid limit: must be an integer >= 1, got 10n/);
  });

  // JSON.stringify, which quotes a bad value, throws a TypeError for a bigint.
  it('core: normalizeBaseURL(10n) throws ConfigError', () => {
    expect(() => normalizeBaseURL(10n as never, { service: 'Runicorn' })).toThrow(ConfigError);
  });
});
