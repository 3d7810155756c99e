import { seededRandom, splitOperationKey } from '@trainwire/core';
import { HttpResponse, http } from 'msw';
import { type components, service } from '../generated/runicorn.js';
import {
  downsample,
  type MockArtifact,
  type MockArtifactVersion,
  type MockRun,
  metricRow,
  seedArtifacts,
  seedRuns,
} from './runicorn-mock-data.js';

export { service as runicornService } from '../generated/runicorn.js';
export type {
  MockArtifact as RunicornMockArtifact,
  MockArtifactVersion as RunicornMockArtifactVersion,
  MockRun as RunicornMockRun,
} from './runicorn-mock-data.js';

type Schemas = components['schemas'];
type ViewerSession = Schemas['ViewerSession'];

/** Options of {@link createRunicornMock}. */
export interface RunicornMockOptions {
  /** @default 'http://127.0.0.1:23300' */
  baseURL?: string;
  /**
   * Require `Authorization: Bearer <apiKey>` on every request, like a viewer behind an
   * authenticating proxy. @default none: the viewer itself has no authentication
   */
  apiKey?: string;
  /** Makes the seeded runs, curves and artifacts the same on every start. @default 1 */
  seed?: number;
  /** Scales simulated time: the running run logs `speed` steps per wall-clock second. @default 1 */
  speed?: number;
  /** Serve `GET /api/export/{run_id}/csv`; released viewers (0.5.3/0.6.0) answer 501 there. @default false */
  exportAvailable?: boolean;
  /** The viewer's storage root; artifact files report absolute paths under it. @default '/data/runicorn' */
  storage?: string;
  /** `/api/remote/connect` calls allowed per 60 s (the viewer's limit). @default 10 */
  connectRateLimit?: number;
  /**
   * The viewer release to imitate. `0.6.0` removed `/api/v2/*` and `/api/artifacts*` (they answer
   * 404) and lists runs with `path: "project/name"` instead of project and name. @default '0.5.3'
   */
  viewerVersion?: '0.5.3' | '0.6.0';
}

/** A remote SSH connection the mock holds. */
export interface RunicornMockConnection {
  key: string;
  host: string;
  port: number;
  username: string;
  connected: boolean;
}

const detail = (status: number, message: string, headers?: Record<string, string>) =>
  HttpResponse.json({ detail: message }, { status, ...(headers ? { headers } : {}) });
/** FastAPI's 422 body. */
const invalid = (location: string[], message: string, type: string) =>
  HttpResponse.json({ detail: [{ loc: location, msg: message, type }] }, { status: 422 });

/**
 * A stateful mock of the Runicorn viewer (0.5.3 routes): seeded experiments with metric curves (one
 * still logging by wall clock × `speed`), config, the 501 export route, artifacts with versions and
 * aliases, SSH connections and remote viewer sessions, FastAPI error bodies and status codes.
 */
export function createRunicornMock(options: RunicornMockOptions = {}) {
  const base = (options.baseURL ?? 'http://127.0.0.1:23300').replace(/\/+$/, '');
  const speed = options.speed ?? 1;
  const storage = options.storage ?? '/data/runicorn';
  const legacy = options.viewerVersion === '0.6.0';
  const random = seededRandom(options.seed ?? 1);
  const runs = seedRuns(random, storage, Date.now());
  const artifacts = seedArtifacts(runs, random);
  const connections = new Map<string, RunicornMockConnection>();
  const viewerSessions = new Map<string, ViewerSession & { started_ms: number }>();
  const connectTimes: number[] = [];
  const state = {
    runs,
    artifacts,
    connections,
    viewerSessions,
    config: { user_root_dir: storage, storage, config_file: '/home/runicorn/.config/runicorn/config.json' },
    exportAvailable: options.exportAvailable ?? false,
    cache: { hits: 0, misses: 0 },
  };

  /** Bring a running run up to date: `speed` steps per second since the mock started, then finished. */
  const advance = (run: MockRun) => {
    if (run.status !== 'running') return;
    const elapsed = ((Date.now() - run.started_at_ms) / 1000) * speed;
    const target = Math.min(run.final_steps, 20 + Math.floor(elapsed));
    for (let step = run.rows.length + 1; step <= target; step++) run.rows.push(metricRow(run, step, random));
    if (run.rows.length >= run.final_steps) {
      run.status = 'finished';
      run.pid = null;
    }
  };
  const findRun = (id: unknown) => {
    const run = runs.find((item) => item.id === id && !item.deleted);
    if (run) advance(run);
    return run;
  };
  /** The runs not deleted, each brought up to date. */
  const current = () => {
    for (const run of runs) advance(run);
    return runs.filter((run) => !run.deleted);
  };
  const best = (run: MockRun) => {
    const values = run.rows.map((row) => row[run.best_metric_name]).filter((value): value is number => typeof value === 'number');
    if (values.length === 0) return null;
    return run.best_mode === 'max' ? Math.max(...values) : Math.min(...values);
  };
  const listItem = (run: MockRun): Schemas['RunListItem'] => {
    const used = artifacts.flatMap((artifact) => artifact.versions).filter((version) => version.used_by.includes(run.id)).length;
    const created = artifacts.flatMap((artifact) => artifact.versions).filter((version) => version.created_by_run === run.id).length;
    return {
      id: run.id,
      run_dir: run.run_dir,
      created_time: run.created_time,
      status: run.status,
      pid: run.pid,
      best_metric_value: best(run),
      best_metric_name: run.best_metric_name,
      project: run.project,
      name: run.name,
      artifacts_created_count: created,
      artifacts_used_count: used,
    };
  };
  /** A 0.6.0 run list item: `path` instead of project and name. */
  const pathItem = (run: MockRun) => {
    const { project, name, artifacts_created_count, artifacts_used_count, ...item } = listItem(run);
    return { ...item, path: `${project}/${name}`, alias: null, tags: [], assets_count: 0 };
  };
  const files = (run: MockRun) => ({
    logs: `${run.run_dir}/logs.txt`,
    metrics: `${run.run_dir}/events.jsonl`,
    metrics_step: `${run.run_dir}/events.jsonl`,
  });

  const findArtifact = (name: unknown, type: string | null) =>
    artifacts.find((artifact) => artifact.name === name && (type === null || artifact.type === type));
  const sizeOf = (version: MockArtifactVersion) => version.files.reduce((total, file) => total + file.size, 0);
  const absolutePath = (artifact: MockArtifact, version: MockArtifactVersion, path: string) =>
    `${storage}/artifacts/${artifact.type}/${artifact.name}/versions/v${version.version}/${path}`;
  const versionItem = (version: MockArtifactVersion): Schemas['ArtifactVersionItem'] => ({
    version: version.version,
    created_at: version.created_at,
    created_by_run: version.created_by_run,
    size_bytes: sizeOf(version),
    num_files: version.files.length,
    status: version.status,
    aliases: version.aliases,
  });
  const summary = (artifact: MockArtifact, version: MockArtifactVersion): Schemas['ArtifactSummary'] => ({
    name: artifact.name,
    type: artifact.type,
    version: version.version,
    size_bytes: sizeOf(version),
    created_at: version.created_at,
    description: version.description,
    aliases: version.aliases,
  });
  /** `/api/artifacts/{name}/v{version}`: the artifact and version, or the error response. */
  const lookUpVersion = (name: unknown, segment: unknown, type: string | null) => {
    const match = /^v(.*)$/.exec(String(segment));
    if (!match) return { error: detail(404, 'Not Found') };
    if (!/^\d+$/.test(match[1] ?? '')) return { error: invalid(['path', 'version'], 'value is not a valid integer', 'type_error.integer') };
    const artifact = findArtifact(name, type);
    if (!artifact) return { error: detail(404, `Artifact not found: ${String(name)}`) };
    const version = artifact.versions.find((item) => item.version === Number(match[1]));
    if (!version) return { error: detail(404, `Version not found: ${artifact.name}:v${match[1]}`) };
    return { artifact, version };
  };

  const sessionView = (session: ViewerSession & { started_ms: number }): ViewerSession => {
    const { started_ms, ...view } = session;
    if (session.status === 'running') view.uptimeSeconds = Math.round(((Date.now() - started_ms) / 1000) * speed * 10) / 10;
    return view;
  };
  const remoteDirectories = (username: string): Record<string, { name: string; is_dir: boolean; size: number }[]> => ({
    '/': [
      { name: 'data', is_dir: true, size: 4096 },
      { name: 'home', is_dir: true, size: 4096 },
    ],
    '/data': [{ name: 'runicorn', is_dir: true, size: 4096 }],
    '/data/runicorn': [
      { name: 'nlp', is_dir: true, size: 4096 },
      { name: 'vision', is_dir: true, size: 4096 },
    ],
    '/data/runicorn/nlp': [{ name: 'bert-base', is_dir: true, size: 4096 }],
    '/data/runicorn/vision': [{ name: 'resnet50', is_dir: true, size: 4096 }],
    '/home': [{ name: username, is_dir: true, size: 4096 }],
    [`/home/${username}`]: [
      { name: '.bashrc', is_dir: false, size: 3771 },
      { name: 'train.py', is_dir: false, size: 5120 },
    ],
  });
  const connectionFor = (id: string | null) => (id ? connections.get(id) : undefined);

  // Every route the viewer serves, to tell a wrong method (405) from an unknown path (404).
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const routes = Object.keys(service.operations)
    .map(splitOperationKey)
    .map(({ method, path }) => ({
      method,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));

  const handlers = [
    http.all(`${base}/*`, ({ request }) => {
      if (options.apiKey) {
        const header = request.headers.get('authorization');
        if (!header) return detail(401, 'Not authenticated', { 'www-authenticate': 'Bearer' });
        if (header !== `Bearer ${options.apiKey}`) return detail(401, 'Invalid token', { 'www-authenticate': 'Bearer' });
      }
      // 0.6.0 deleted these routers; the static web UI answers what no router serves.
      const path = new URL(request.url).pathname.slice(basePath.length);
      return legacy && /^\/api\/(v2\/|artifacts)/.test(path) ? detail(404, 'Not Found') : undefined;
    }),
    http.get(`${base}/api/health`, () =>
      HttpResponse.json({
        status: 'ok',
        storage: state.config.storage,
        version: legacy ? '0.6.0' : '0.5.2',
        cache: {
          enabled: true,
          type: 'incremental',
          hit_rate: `${(state.cache.hits + state.cache.misses === 0 ? 0 : (100 * state.cache.hits) / (state.cache.hits + state.cache.misses)).toFixed(1)}%`,
          hits: state.cache.hits,
          misses: state.cache.misses,
          incremental_updates: 0,
          size: runs.length,
          max_size: 100,
        },
      }),
    ),
    http.get(`${base}/api/runs`, () => HttpResponse.json(current().map((run) => (legacy ? pathItem(run) : listItem(run))))),
    http.get(`${base}/api/v2/experiments`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const page = Number(query.get('page') ?? 1);
      const perPage = Number(query.get('per_page') ?? 50);
      if (!Number.isInteger(page) || page < 1)
        return invalid(['query', 'page'], 'ensure this value is greater than or equal to 1', 'value_error.number.not_ge');
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) {
        return invalid(['query', 'per_page'], 'ensure this value is less than or equal to 1000', 'value_error.number.not_le');
      }
      const statuses = query.get('status')?.split(',').filter(Boolean);
      const search = query.get('search')?.toLowerCase();
      for (const run of runs) advance(run);
      const matching = runs
        .filter((run) => !run.deleted || query.get('include_deleted') === 'true')
        .filter((run) => !query.get('project') || run.project === query.get('project'))
        .filter((run) => !query.get('name') || run.name === query.get('name'))
        .filter((run) => !statuses || statuses.includes(run.status))
        .filter((run) => !search || `${run.project} ${run.name}`.toLowerCase().includes(search))
        .sort((left, right) => (query.get('order_desc') === 'false' ? 1 : -1) * (left.created_time - right.created_time));
      const experiments = matching.slice((page - 1) * perPage, page * perPage).map((run) => {
        const { artifacts_created_count, artifacts_used_count, ...item } = listItem(run);
        return { ...item, ...files(run) };
      });
      return HttpResponse.json({
        experiments,
        total: matching.length,
        page,
        per_page: perPage,
        has_next: page * perPage < matching.length,
        has_prev: page > 1,
        query_time_ms: 0.4,
      });
    }),
    http.get(`${base}/api/runs/:runId`, ({ params }) => {
      const run = findRun(params.runId);
      if (!run) return detail(404, 'Run not found');
      const { best_metric_value, best_metric_name, created_time, ...item } = listItem(run);
      return HttpResponse.json({ ...item, ...files(run) });
    }),
    ...['metrics', 'metrics_step'].map((route) =>
      http.get(`${base}/api/runs/:runId/${route}`, ({ params, request }) => {
        const run = findRun(params.runId);
        const raw = new URL(request.url).searchParams.get('downsample');
        const target = raw === null ? undefined : Number(raw);
        if (target !== undefined && !Number.isInteger(target))
          return invalid(['query', 'downsample'], 'value is not a valid integer', 'type_error.integer');
        if (target !== undefined && (target < 100 || target > 50_000)) {
          return invalid(['query', 'downsample'], 'ensure this value is between 100 and 50000', 'value_error.number.not_in_range');
        }
        if (!run) return detail(404, 'Run not found');
        state.cache.misses += 1;
        const rows = target === undefined ? run.rows : downsample(run.rows, target, run.columns[1] ?? 'loss');
        const last = run.rows[run.rows.length - 1]?.global_step ?? 0;
        return HttpResponse.json(
          { columns: run.columns, rows, total: run.rows.length, sampled: rows.length },
          { headers: { 'X-Row-Count': String(rows.length), 'X-Total-Count': String(run.rows.length), 'X-Last-Step': String(last) } },
        );
      }),
    ),
    http.get(`${base}/api/runs/:runId/progress`, () => HttpResponse.json({ available: false, status: 'unknown' })),
    http.get(`${base}/api/projects`, () =>
      HttpResponse.json({ projects: [...new Set(runs.filter((run) => !run.deleted).map((run) => run.project))].sort() }),
    ),
    http.get(`${base}/api/projects/:project/names`, ({ params }) =>
      HttpResponse.json({ names: [...new Set(runs.filter((run) => run.project === params.project).map((run) => run.name))].sort() }),
    ),
    http.get(`${base}/api/config`, () => HttpResponse.json(state.config)),
    http.post(`${base}/api/config/user_root_dir`, async ({ request }) => {
      const body = (await request.json().catch(() => null)) as { path?: unknown } | null;
      if (!body || typeof body.path !== 'string' || body.path.trim() === '') return detail(400, 'path is required');
      if (!body.path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(body.path)) return detail(400, `Path must be absolute: ${body.path}`);
      state.config.user_root_dir = body.path;
      state.config.storage = body.path;
      return HttpResponse.json({ ok: true, user_root_dir: body.path, storage: body.path });
    }),
    http.get(`${base}/api/export/:runId/csv`, ({ params }) => {
      if (!state.exportAvailable) return detail(501, 'Export functionality not available');
      const run = findRun(params.runId);
      if (!run) return detail(404, 'Run not found');
      const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));
      const lines = [run.columns.join(','), ...run.rows.map((row) => run.columns.map((column) => cell(row[column])).join(','))];
      return new HttpResponse(`${lines.join('\n')}\n`, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    }),
    http.get(`${base}/api/export/:runId/report`, () => detail(501, 'Export functionality not available')),
    http.get(`${base}/api/gpu/telemetry`, () => HttpResponse.json({ available: false, reason: 'nvidia-smi not found in PATH' })),

    http.get(`${base}/api/artifacts`, ({ request }) => {
      const type = new URL(request.url).searchParams.get('type');
      const list = artifacts
        .filter((artifact) => type === null || artifact.type === type)
        .map((artifact) => {
          const latest = artifact.versions[artifact.versions.length - 1] as MockArtifactVersion;
          const aliases: Record<string, number> = {};
          for (const version of artifact.versions) for (const alias of version.aliases) aliases[alias] = version.version;
          return {
            name: artifact.name,
            type: artifact.type,
            num_versions: artifact.versions.length,
            latest_version: latest.version,
            size_bytes: artifact.versions.reduce((total, version) => total + sizeOf(version), 0),
            created_at: (artifact.versions[0] as MockArtifactVersion).created_at,
            updated_at: latest.created_at,
            aliases,
          };
        })
        .sort((left, right) => right.updated_at - left.updated_at);
      return HttpResponse.json(list);
    }),
    http.get(`${base}/api/artifacts/stats`, () => {
      const versions = artifacts.flatMap((artifact) => artifact.versions);
      const byType: Record<string, number> = {};
      for (const artifact of artifacts) byType[artifact.type] = (byType[artifact.type] ?? 0) + 1;
      const total = versions.reduce((sum, version) => sum + sizeOf(version), 0);
      return HttpResponse.json({
        total_artifacts: artifacts.length,
        total_versions: versions.length,
        total_size_bytes: total,
        total_files: versions.reduce((sum, version) => sum + version.files.length, 0),
        dedup_enabled: false,
        by_type: byType,
        dedup_pool_size_bytes: 0,
        space_saved_bytes: 0,
        dedup_ratio: 0,
      });
    }),
    http.get(`${base}/api/artifacts/:name/versions`, ({ params, request }) => {
      const artifact = findArtifact(params.name, new URL(request.url).searchParams.get('type'));
      if (!artifact) return detail(404, `Artifact not found: ${String(params.name)}`);
      return HttpResponse.json(artifact.versions.map(versionItem).reverse());
    }),
    http.get(`${base}/api/artifacts/:name/:version`, ({ params, request }) => {
      const found = lookUpVersion(params.name, params.version, new URL(request.url).searchParams.get('type'));
      if ('error' in found) return found.error;
      const { artifact, version } = found;
      return HttpResponse.json({
        name: artifact.name,
        type: artifact.type,
        version: version.version,
        created_at: version.created_at,
        updated_at: version.created_at,
        created_by_run: version.created_by_run,
        created_by_user: 'runicorn',
        size_bytes: sizeOf(version),
        num_files: version.files.length,
        num_references: 0,
        status: version.status,
        metadata: version.metadata,
        description: version.description,
        tags: version.tags,
        aliases: version.aliases,
        manifest_digest: version.files.map((file) => file.digest.slice(0, 8)).join(''),
      });
    }),
    http.get(`${base}/api/artifacts/:name/:version/files`, ({ params, request }) => {
      const found = lookUpVersion(params.name, params.version, new URL(request.url).searchParams.get('type'));
      if ('error' in found) return found.error;
      const { artifact, version } = found;
      return HttpResponse.json({
        artifact: `${artifact.name}:v${version.version}`,
        files: version.files.map((file) => ({ ...file, absolute_path: absolutePath(artifact, version, file.path), is_remote: false })),
        references: [],
        total_size: sizeOf(version),
        total_files: version.files.length,
        total_references: 0,
        is_remote: false,
      });
    }),
    http.get(`${base}/api/artifacts/:name/:version/lineage`, ({ params, request }) => {
      const found = lookUpVersion(params.name, params.version, new URL(request.url).searchParams.get('type'));
      if ('error' in found) return found.error;
      const { artifact, version } = found;
      const self = `${artifact.name}:v${version.version}`;
      const nodes: Record<string, unknown>[] = [{ id: self, type: 'artifact', label: self }];
      const edges: Record<string, unknown>[] = [];
      if (version.created_by_run) {
        nodes.push({ id: version.created_by_run, type: 'run', label: version.created_by_run });
        edges.push({ source: version.created_by_run, target: self, relation: 'produced' });
        for (const input of artifacts) {
          for (const used of input.versions.filter((item) => item.used_by.includes(version.created_by_run as string))) {
            const id = `${input.name}:v${used.version}`;
            nodes.push({ id, type: 'artifact', label: id });
            edges.push({ source: id, target: version.created_by_run, relation: 'used' });
          }
        }
      }
      return HttpResponse.json({ nodes, edges });
    }),
    http.get(`${base}/api/runs/:runId/artifacts`, ({ params }) => {
      const run = findRun(params.runId);
      if (!run) return detail(404, 'Run not found');
      const created: Schemas['ArtifactSummary'][] = [];
      const used: Schemas['ArtifactSummary'][] = [];
      for (const artifact of artifacts) {
        for (const version of artifact.versions) {
          if (version.created_by_run === run.id) created.push(summary(artifact, version));
          if (version.used_by.includes(run.id)) used.push(summary(artifact, version));
        }
      }
      return HttpResponse.json({ created, used });
    }),

    http.post(`${base}/api/remote/connect`, async ({ request }) => {
      const limit = options.connectRateLimit ?? 10;
      const now = Date.now();
      while (connectTimes.length > 0 && (connectTimes[0] as number) <= now - 60_000) connectTimes.shift();
      if (connectTimes.length >= limit) {
        const retryAfter = Math.max(1, Math.ceil(((connectTimes[0] as number) + 60_000 - now) / 1000));
        return HttpResponse.json(
          { detail: 'Rate limit exceeded', retry_after: retryAfter },
          {
            status: 429,
            headers: {
              'Retry-After': String(retryAfter),
              'X-RateLimit-Limit': String(limit),
              'X-RateLimit-Remaining': '0',
              'X-RateLimit-Reset': String(Math.ceil(now / 1000) + retryAfter),
            },
          },
        );
      }
      connectTimes.push(now);
      const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
      for (const field of ['host', 'username']) {
        if (typeof body[field] !== 'string') return invalid(['body', field], 'field required', 'value_error.missing');
      }
      const host = body.host as string;
      const username = body.username as string;
      const port = typeof body.port === 'number' ? body.port : 22;
      if (host.endsWith('.invalid')) return detail(500, 'Connection failed: [Errno -2] Name or service not known');
      if (body.password === 'wrong') return detail(500, 'Connection failed: Authentication failed.');
      const key = `${username}@${host}:${port}`;
      connections.set(key, { key, host, port, username, connected: true });
      return HttpResponse.json({ ok: true, connection_id: key, host, port, username, connected: true });
    }),
    http.get(`${base}/api/remote/sessions`, () => HttpResponse.json({ sessions: [...connections.values()] })),
    http.post(`${base}/api/remote/disconnect`, async ({ request }) => {
      const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
      for (const field of ['host', 'username']) {
        if (typeof body[field] !== 'string') return invalid(['body', field], 'field required', 'value_error.missing');
      }
      const key = `${String(body.username)}@${String(body.host)}:${typeof body.port === 'number' ? body.port : 22}`;
      if (!connections.delete(key)) return detail(404, `Connection not found: ${key}`);
      return HttpResponse.json({ ok: true, message: `Disconnected from ${key}` });
    }),
    http.post(`${base}/api/remote/viewer/start`, async ({ request }) => {
      const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
      for (const field of ['host', 'username', 'remote_root']) {
        if (typeof body[field] !== 'string') return invalid(['body', field], 'field required', 'value_error.missing');
      }
      const host = body.host as string;
      const username = body.username as string;
      const port = typeof body.port === 'number' ? body.port : 22;
      const key = `${username}@${host}:${port}`;
      // The viewer opens the SSH connection itself when none is open.
      if (!connections.has(key)) {
        if (host.endsWith('.invalid')) return detail(500, 'Connection failed: [Errno -2] Name or service not known');
        connections.set(key, { key, host, port, username, connected: true });
      }
      const remoteRoot = (body.remote_root as string).replace(/\/+$/, '') || '/';
      if (!remoteDirectories(username)[remoteRoot]) return detail(400, `Remote root does not exist: ${remoteRoot}`);
      const used = new Set([...viewerSessions.values()].filter((session) => session.isActive).map((session) => session.localPort));
      let localPort = typeof body.local_port === 'number' ? body.local_port : 8081;
      if (typeof body.local_port === 'number' && used.has(localPort)) return detail(400, `Local port ${localPort} is already in use`);
      while (used.has(localPort)) localPort += 1;
      const sessionId = `session_${Math.floor(random() * 0xffffffff)
        .toString(16)
        .padStart(8, '0')}`;
      const session = {
        sessionId,
        host,
        sshPort: port,
        username,
        localPort,
        remotePort: typeof body.remote_port === 'number' ? body.remote_port : 23300,
        remoteRoot,
        remotePid: 20_000 + Math.floor(random() * 10_000),
        status: 'running' as const,
        startedAt: Date.now(),
        uptimeSeconds: 0,
        isActive: true,
        url: `http://localhost:${localPort}`,
        started_ms: Date.now(),
      };
      viewerSessions.set(sessionId, session);
      return HttpResponse.json({ ok: true, session: sessionView(session), message: `Remote Viewer ready at ${session.url}` });
    }),
    http.post(`${base}/api/remote/viewer/stop`, async ({ request }) => {
      const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
      if (typeof body.session_id !== 'string') return invalid(['body', 'session_id'], 'field required', 'value_error.missing');
      const session = viewerSessions.get(body.session_id);
      if (!session?.isActive) return detail(404, `Session not found: ${body.session_id}`);
      session.status = 'stopped';
      session.isActive = false;
      session.uptimeSeconds = Math.round(((Date.now() - session.started_ms) / 1000) * speed * 10) / 10;
      return HttpResponse.json({ ok: true, message: `Remote Viewer ${body.session_id} stopped` });
    }),
    http.get(`${base}/api/remote/viewer/sessions`, () => HttpResponse.json({ sessions: [...viewerSessions.values()].map(sessionView) })),
    http.get(`${base}/api/remote/viewer/status/:sessionId`, ({ params }) => {
      const session = viewerSessions.get(String(params.sessionId));
      return session ? HttpResponse.json({ session: sessionView(session) }) : detail(404, `Session not found: ${String(params.sessionId)}`);
    }),
    http.get(`${base}/api/remote/fs/list`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const connection = connectionFor(query.get('connection_id'));
      if (!query.get('connection_id')) return invalid(['query', 'connection_id'], 'field required', 'value_error.missing');
      if (!connection) return detail(404, `Connection not found: ${query.get('connection_id')}`);
      const path = (query.get('path') ?? `/home/${connection.username}`).replace(/(.)\/+$/, '$1');
      const items = remoteDirectories(connection.username)[path];
      if (!items) return detail(404, `Path not found: ${path}`);
      return HttpResponse.json({ path, items: items.map((item) => ({ ...item, mtime: 1_737_720_000 })) });
    }),
    http.get(`${base}/api/remote/fs/exists`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const path = query.get('path');
      if (!query.get('connection_id')) return invalid(['query', 'connection_id'], 'field required', 'value_error.missing');
      if (path === null) return invalid(['query', 'path'], 'field required', 'value_error.missing');
      const connection = connectionFor(query.get('connection_id'));
      if (!connection) return detail(404, `Connection not found: ${query.get('connection_id')}`);
      const tree = remoteDirectories(connection.username);
      const normalized = path.replace(/(.)\/+$/, '$1');
      const slash = normalized.lastIndexOf('/');
      const parent = slash <= 0 ? '/' : normalized.slice(0, slash);
      const file = tree[parent]?.find((item) => item.name === normalized.slice(slash + 1));
      const isDir = tree[normalized] !== undefined;
      return HttpResponse.json({ path, exists: isDir || file !== undefined, is_dir: isDir });
    }),
    http.get(`${base}/api/remote/status`, () => {
      const active = [...viewerSessions.values()].filter((session) => session.isActive).map(sessionView);
      return HttpResponse.json({
        connections: [...connections.values()],
        viewer_sessions: active,
        connection_count: connections.size,
        viewer_session_count: active.length,
      });
    }),

    // What no handler above answered: 405 for a served path with another method (PUT /api/config),
    // 501 for a route the viewer has but this mock does not model, else FastAPI's 404.
    http.all(`${base}/*`, ({ request }) => {
      const path = new URL(request.url).pathname.slice(basePath.length);
      const matching = routes.filter((route) => route.pattern.test(path));
      if (matching.length === 0) return detail(404, 'Not Found');
      if (!matching.some((route) => route.method === request.method)) return detail(405, 'Method Not Allowed');
      return detail(501, `${request.method} ${path} is served by the viewer but not by the trainwire Runicorn mock`);
    }),
  ];

  return { handlers, state };
}
