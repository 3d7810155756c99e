import { seededHex } from '@trainwire/core/mock-kit';
import { HttpResponse } from 'msw';
import { checkModel, detail, type HandlerGroup, invalid, type ModelField, ParamReader, problem, readBody } from './runicorn-mock-http.js';
import type { MockViewerSession, RunicornMockConnection, RunicornMockState } from './runicorn-state.js';

/** `SSHConnectRequest` of the viewer (pydantic 1): the credentials are `Optional[str] = None`. */
const SSH_FIELDS: Record<string, ModelField> = {
  host: { type: 'str', required: true },
  port: { type: 'int' },
  username: { type: 'str', required: true },
  password: { type: 'str', nullable: true },
  private_key: { type: 'str', nullable: true },
  private_key_path: { type: 'str', nullable: true },
  passphrase: { type: 'str', nullable: true },
  use_agent: { type: 'bool' },
};

/** The folders of the SSH hosts the mock pretends to reach. */
function remoteTree(username: string): Record<string, { name: string; is_dir: boolean; size: number }[]> {
  return {
    '/': [
      { name: 'data', is_dir: true, size: 0 },
      { name: 'home', is_dir: true, size: 0 },
    ],
    '/data': [{ name: 'runicorn', is_dir: true, size: 0 }],
    '/data/runicorn': [
      { name: 'nlp', is_dir: true, size: 0 },
      { name: 'vision', is_dir: true, size: 0 },
    ],
    '/data/runicorn/nlp': [{ name: 'bert-base', is_dir: true, size: 0 }],
    '/data/runicorn/vision': [{ name: 'resnet50', is_dir: true, size: 0 }],
    '/home': [{ name: username, is_dir: true, size: 0 }],
    [`/home/${username}`]: [
      { name: 'miniconda3', is_dir: true, size: 0 },
      { name: '.bashrc', is_dir: false, size: 3_771 },
      { name: 'train.py', is_dir: false, size: 5_120 },
    ],
    [`/home/${username}/miniconda3`]: [],
  };
}

/** SSH connections through the viewer, remote viewers over tunnels, the remote host's files and Python environments. */
export const remoteHandlers: HandlerGroup = ({ base, state, connectRateLimit, http }) => [
  http.post(`${base}/api/remote/connect`, async ({ request }) => {
    const limited = rateLimit(state, connectRateLimit);
    if (limited) return limited;
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const { values, problems } = checkModel(body.value, SSH_FIELDS);
    if (problems.length > 0) return invalid(problems);
    const opened = open(state, values);
    if (typeof opened === 'string') return detail(500, `Connection failed: ${opened}`);
    return HttpResponse.json({
      ok: true,
      connection_id: opened.key,
      host: opened.host,
      port: opened.port,
      username: opened.username,
      connected: true,
    });
  }),
  http.get(`${base}/api/remote/sessions`, () => HttpResponse.json({ sessions: [...state.connections.values()] })),
  http.post(`${base}/api/remote/disconnect`, async ({ request }) => {
    const body = await readBody(request, ['host', 'username']);
    if ('response' in body) return body.response;
    const { values, problems } = checkModel(
      body.value,
      { host: { type: 'str', required: true }, port: { type: 'int' }, username: { type: 'str', required: true } },
      { embedded: true },
    );
    if (problems.length > 0) return invalid(problems);
    const removed = state.connections.delete(`${values.username}@${values.host}:${values.port ?? 22}`);
    return HttpResponse.json(removed ? { ok: true, message: 'Connection removed' } : { ok: false, message: 'Connection not found' });
  }),
  http.post(`${base}/api/remote/viewer/start`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const { values, problems } = checkModel(body.value, {
      ...SSH_FIELDS,
      remote_root: { type: 'str', required: true },
      local_port: { type: 'int', nullable: true },
      remote_port: { type: 'int', nullable: true },
      conda_env: { type: 'str', nullable: true },
    });
    if (problems.length > 0) return invalid(problems);
    const connection = open(state, values);
    if (typeof connection === 'string') return detail(500, `Failed to start Remote Viewer: ${connection}`);
    const active = [...state.viewerSessions.values()];
    const localPort =
      (values.local_port as number | null | undefined) ??
      freePort(
        active.map((session) => session.localPort),
        45_000,
      );
    // A local port already tunnelled cannot be bound again: the tunnel thread dies at once.
    if (active.some((session) => session.localPort === localPort))
      return detail(500, 'Failed to start Remote Viewer: SSH tunnel failed to start');
    const remotePort =
      (values.remote_port as number | null | undefined) ??
      freePort(
        active.map((session) => session.remotePort),
        8_080,
      );
    const now = Date.now();
    const session: MockViewerSession = {
      sessionId: seededHex(state.random, 8),
      // The tunnel's far end: the remote viewer listens on the remote host's loopback.
      host: '127.0.0.1',
      sshPort: connection.port,
      username: connection.username,
      localPort,
      remotePort,
      remoteRoot: values.remote_root as string,
      remotePid: 20_000 + Math.floor(state.random() * 10_000),
      status: 'running',
      startedAt: now,
      uptimeSeconds: 0,
      isActive: true,
      url: `http://localhost:${localPort}`,
      started_ms: now,
    };
    state.viewerSessions.set(session.sessionId, session);
    return HttpResponse.json({ ok: true, session: sessionView(state, session), message: `Remote Viewer ready at ${session.url}` });
  }),
  http.post(`${base}/api/remote/viewer/stop`, async ({ request }) => {
    const body = await readBody(request, ['session_id']);
    if ('response' in body) return body.response;
    const { values, problems } = checkModel(body.value, { session_id: { type: 'str', required: true } }, { embedded: true });
    if (problems.length > 0) return invalid(problems);
    const id = values.session_id as string;
    // The manager forgets a stopped session.
    if (!state.viewerSessions.delete(id)) return detail(404, `Session not found: ${id}`);
    return HttpResponse.json({ ok: true, message: `Session ${id} stopped` });
  }),
  http.get(`${base}/api/remote/viewer/sessions`, () =>
    HttpResponse.json({ sessions: [...state.viewerSessions.values()].map((session) => sessionView(state, session)) }),
  ),
  http.get(`${base}/api/remote/viewer/status/:sessionId`, ({ params }) => {
    const session = state.viewerSessions.get(String(params.sessionId));
    return session ? HttpResponse.json(sessionView(state, session)) : detail(404, `Session not found: ${String(params.sessionId)}`);
  }),
  http.get(`${base}/api/remote/conda-envs`, ({ request }) => {
    const found = connectionOf(state, request);
    if (found instanceof Response) return found;
    return HttpResponse.json({
      ok: true,
      envs: environments(found.connection.username).map(({ name, type, python_version, path, is_default }) => ({
        name,
        type,
        python_version,
        path,
        is_default,
      })),
    });
  }),
  http.get(`${base}/api/remote/config`, ({ request }) => {
    const found = connectionOf(state, request);
    if (found instanceof Response) return found;
    const condaEnv = new URL(request.url).searchParams.get('conda_env') ?? 'system';
    const environment = environments(found.connection.username).find((item) =>
      condaEnv === 'system' ? item.type === 'system' : item.name === condaEnv,
    );
    if (!environment) return detail(404, `Environment '${condaEnv}' not found. Please check the environment name.`);
    return HttpResponse.json({
      ok: true,
      condaEnv,
      pythonVersion: environment.python_version,
      runicornVersion: '0.5.2',
      defaultStorageRoot: '/data/runicorn',
      storageRootExists: true,
      suggestedRemotePort: 23_300,
      connectionId: found.id,
    });
  }),
  http.get(`${base}/api/remote/fs/list`, ({ request }) => {
    const found = connectionOf(state, request);
    if (found instanceof Response) return found;
    const home = `/home/${found.connection.username}`;
    const given = found.query.text('path', { default: '~' }) as string;
    const path = given === '~' || given.startsWith('~/') ? given.replace('~', home) : given;
    const items = remoteTree(found.connection.username)[path.replace(/(.)\/+$/, '$1')];
    if (!items) return detail(500, `Failed to list directory: [Errno 2] No such file`);
    const sorted = [...items].sort((left, right) => Number(right.is_dir) - Number(left.is_dir) || left.name.localeCompare(right.name));
    return HttpResponse.json({ path, items: sorted.map((item) => ({ ...item, mtime: 1_737_720_000 })) });
  }),
  http.get(`${base}/api/remote/fs/exists`, ({ request }) => {
    const query = new ParamReader(request);
    query.text('connection_id', { required: true });
    const path = query.text('path', { required: true });
    const rejection = query.rejection();
    if (rejection) return rejection;
    const found = connectionOf(state, request);
    if (found instanceof Response) return found;
    const tree = remoteTree(found.connection.username);
    const normalized = path.replace(/(.)\/+$/, '$1');
    const slash = normalized.lastIndexOf('/');
    const parent = slash <= 0 ? '/' : normalized.slice(0, slash);
    const isDir = tree[normalized] !== undefined;
    const isFile = tree[parent]?.some((item) => item.name === normalized.slice(slash + 1) && !item.is_dir) ?? false;
    return HttpResponse.json({ path, exists: isDir || isFile, is_dir: isDir });
  }),
  http.get(`${base}/api/remote/status`, () => {
    const sessions = [...state.viewerSessions.values()].map((session) => sessionView(state, session));
    return HttpResponse.json({
      connections: [...state.connections.values()],
      viewer_sessions: sessions,
      connection_count: state.connections.size,
      viewer_session_count: sessions.length,
    });
  }),
  http.get(`${base}/api/remote/connections/saved`, () => HttpResponse.json({ ok: true, connections: state.savedConnections })),
  http.post(`${base}/api/remote/connections/saved`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    if (!Array.isArray(body.value)) return invalid([problem.list(['body'])]);
    state.savedConnections = body.value;
    return HttpResponse.json({ ok: true, message: 'Connections saved successfully' });
  }),
];

/** The viewer's `/api/remote/connect` limit (10 a minute), or its 429. */
function rateLimit(state: RunicornMockState, limit: number): Response | undefined {
  const now = Date.now();
  const times = state.connectTimes;
  while (times.length > 0 && (times[0] as number) <= now - 60_000) times.shift();
  if (times.length < limit) {
    times.push(now);
    return undefined;
  }
  const retryAfter = Math.max(1, Math.ceil(((times[0] as number) + 60_000 - now) / 1000));
  return HttpResponse.json(
    { detail: 'Rate limit exceeded', retry_after: retryAfter },
    {
      status: 429,
      headers: {
        'Retry-After': String(retryAfter),
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        // Seconds until the window frees a slot, as the viewer's middleware sends it (not an epoch time).
        'X-RateLimit-Reset': String(retryAfter),
      },
    },
  );
}

// The machine running the viewer has no SSH server of its own to reach.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Open (or reuse) an SSH connection from checked request fields, or say why SSH failed: the
 * viewer's own machine (loopback) refuses, a host in `.invalid` does not resolve and the password
 * `wrong` is refused; every other host answers.
 */
function open(state: RunicornMockState, values: Record<string, unknown>): RunicornMockConnection | string {
  const host = values.host as string;
  const username = values.username as string;
  const port = (values.port as number | undefined) ?? 22;
  const key = `${username}@${host}:${port}`;
  const known = state.connections.get(key);
  if (known) return known;
  if (LOOPBACK.has(host)) return `[Errno None] Unable to connect to port ${port} on ${host === 'localhost' ? '127.0.0.1' : host}`;
  if (host.endsWith('.invalid')) return '[Errno -2] Name or service not known';
  if (values.password === 'wrong') return 'Authentication failed.';
  const connection = { key, host, port, username, connected: true };
  state.connections.set(key, connection);
  return connection;
}

/** The connection a `connection_id` query names, or the viewer's 422 / 400 / 404. */
function connectionOf(
  state: RunicornMockState,
  request: Request,
): { id: string; connection: RunicornMockConnection; query: ParamReader } | Response {
  const query = new ParamReader(request);
  const id = query.text('connection_id', { required: true });
  const rejection = query.rejection();
  if (rejection) return rejection;
  const parsed = /^([^@]*)@(.*):([^:]*)$/.exec(id);
  if (!parsed || !/^[+-]?\d+$/.test((parsed[3] as string).trim())) return detail(400, `Invalid connection_id format: ${id}`);
  const connection = state.connections.get(`${parsed[1]}@${parsed[2]}:${Number(parsed[3])}`);
  if (!connection?.connected) return detail(404, `Connection not found or inactive: ${id}`);
  return { id, connection, query };
}

/** The Python environments the remote host reports: conda's, then the system Python. */
function environments(username: string) {
  const conda = `/home/${username}/miniconda3`;
  return [
    { name: 'base', type: 'conda', python_version: 'Python 3.11.9', path: `${conda}/bin/python`, is_default: true },
    { name: 'torch', type: 'conda', python_version: 'Python 3.10.14', path: `${conda}/envs/torch/bin/python`, is_default: false },
    { name: 'system', type: 'system', python_version: 'Python 3.10.12', path: '/usr/bin/python3', is_default: true },
  ];
}

/** The lowest port from `start` that `used` does not hold. */
function freePort(used: number[], start: number): number {
  let port = start;
  while (used.includes(port)) port += 1;
  return port;
}

/** A session as the viewer shows it (`session.to_dict()`), its uptime counted on the mock's clock. */
function sessionView(
  state: RunicornMockState,
  session: MockViewerSession,
): MockViewerSession extends infer View ? Omit<View, 'started_ms'> : never {
  const { started_ms, ...view } = session;
  return { ...view, uptimeSeconds: Math.round(((Date.now() - started_ms) / 1000) * state.options.speed * 10) / 10 };
}
