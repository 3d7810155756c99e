import { HttpResponse } from 'msw';
import { checkModel, detail, type HandlerGroup, invalid, ParamReader, problem, readBody } from './runicorn-mock-http.js';
import type { MockSshProfile, RunicornMockState } from './runicorn-state.js';

const SECRETS = ['password', 'private_key', 'private_key_path', 'passphrase'] as const;

/** Configuration, saved SSH profiles, UI preferences, and the host's GPU and system readings. */
export const configHandlers: HandlerGroup = ({ base, state, http }) => [
  http.get(`${base}/api/config`, () => HttpResponse.json(state.config)),
  http.post(`${base}/api/config/user_root_dir`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const given = isDict(body.value) ? body.value.path : undefined;
    // The viewer resolves `str(path or "")`: an empty path is its working directory.
    const root = resolvePath(state, given ? String(given) : '');
    // The viewer creates the folder; the kernel's own file systems refuse it.
    if (/^\/(proc|sys)(\/|$)/.test(root)) return detail(400, `Invalid path or permission error: [Errno 13] Permission denied: '${root}'`);
    state.useStorage(root);
    return HttpResponse.json({ ok: true, user_root_dir: root, storage: root });
  }),

  http.get(`${base}/api/config/ssh_connections`, () =>
    HttpResponse.json({
      connections: state.sshProfiles.map((profile) => {
        const { password, private_key, passphrase, ...masked } = profile;
        return { ...masked, has_password: Boolean(password), has_private_key: Boolean(private_key) };
      }),
    }),
  ),
  http.post(`${base}/api/config/ssh_connections`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    if (!isDict(body.value)) return invalid([problem.dict(['body'])]);
    state.saveSshProfile(sshProfile(body.value));
    return HttpResponse.json({ ok: true, message: 'SSH connection saved' });
  }),
  http.get(`${base}/api/config/ssh_connections/:key/details`, ({ params }) => {
    const profile = state.sshProfiles.find((item) => item.key === params.key);
    return profile ? HttpResponse.json({ ok: true, connection: profile }) : detail(404, `Connection not found: ${String(params.key)}`);
  }),
  http.delete(`${base}/api/config/ssh_connections/:key`, ({ params }) => {
    state.sshProfiles = state.sshProfiles.filter((item) => item.key !== params.key);
    return HttpResponse.json({ ok: true, message: 'SSH connection removed' });
  }),

  http.get(`${base}/api/config/column-widths`, ({ request }) => {
    const query = new ParamReader(request);
    const table = query.text('table', { required: true });
    const size = query.text('size', { required: true });
    const rejection = query.rejection();
    if (rejection) return rejection;
    return HttpResponse.json({ table, size, widths: state.preferences.column_widths.get(`${table}@${size}`)?.widths ?? {} });
  }),
  http.post(`${base}/api/config/column-widths`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const { values, problems } = checkModel(body.value, {
      table: { type: 'str', required: true },
      size: { type: 'str', required: true },
      widths: { type: 'dict', required: true },
      window_width: { type: 'int', nullable: true },
      window_height: { type: 'int', nullable: true },
    });
    const widths: Record<string, number> = {};
    for (const [column, width] of Object.entries((values.widths as Record<string, unknown> | undefined) ?? {})) {
      if (typeof width === 'number' && Number.isInteger(width)) widths[column] = width;
      else problems.push(problem.integer(['body', 'widths', column]));
    }
    if (problems.length > 0) return invalid(problems);
    state.preferences.column_widths.set(`${values.table}@${values.size}`, {
      widths,
      window_width: (values.window_width as number | null | undefined) ?? null,
      window_height: (values.window_height as number | null | undefined) ?? null,
    });
    return HttpResponse.json({ ok: true, message: 'Column width preferences saved' });
  }),
  ...(['delete', 'post'] as const).map((method) =>
    http[method](`${base}/api/config/column-widths${method === 'post' ? '/reset' : ''}`, ({ request }) => {
      const query = new ParamReader(request);
      const table = query.text('table', { required: true });
      const size = query.text('size');
      const rejection = query.rejection();
      if (rejection) return rejection;
      const widths = state.preferences.column_widths;
      for (const key of [...widths.keys()]) if (size ? key === `${table}@${size}` : key.startsWith(`${table}@`)) widths.delete(key);
      return HttpResponse.json({ ok: true, message: 'Column width preferences reset' });
    }),
  ),
  http.get(`${base}/api/config/dismissed-alerts`, () => HttpResponse.json({ dismissed_alerts: [...state.preferences.dismissed_alerts] })),
  http.post(`${base}/api/config/dismissed-alerts/dismiss`, async ({ request }) => {
    const alert = await alertId(request);
    if (alert instanceof Response) return alert;
    if (!state.preferences.dismissed_alerts.includes(alert)) state.preferences.dismissed_alerts.push(alert);
    return HttpResponse.json({ ok: true, message: `Alert '${alert}' dismissed` });
  }),
  http.post(`${base}/api/config/dismissed-alerts/undismiss`, async ({ request }) => {
    const alert = await alertId(request);
    if (alert instanceof Response) return alert;
    state.preferences.dismissed_alerts = state.preferences.dismissed_alerts.filter((item) => item !== alert);
    return HttpResponse.json({ ok: true, message: `Alert '${alert}' restored` });
  }),
  http.post(`${base}/api/config/dismissed-alerts/clear`, () => {
    state.preferences.dismissed_alerts = [];
    return HttpResponse.json({ ok: true, message: 'All dismissed alerts cleared' });
  }),

  http.get(`${base}/api/gpu/telemetry`, () => HttpResponse.json({ available: false, reason: 'nvidia-smi not found in PATH' })),
  http.get(`${base}/api/system/monitor`, () => HttpResponse.json(systemSnapshot(state))),
  http.get(`${base}/api/system/temperatures`, () => HttpResponse.json({ available: false, reason: 'Temperature sensors not available' })),
];

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Path(path).expanduser().resolve()` against the viewer's working directory. */
function resolvePath(state: RunicornMockState, given: string): string {
  const home = '/home/runicorn';
  const expanded = given === '~' || given.startsWith('~/') ? `${home}${given.slice(1)}` : given;
  const absolute = expanded.startsWith('/') ? expanded : `${state.options.workingDirectory}/${expanded}`;
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** The profile `add_ssh_connection` stores: secrets only when it remembers the password (a key path always). */
function sshProfile(payload: Record<string, unknown>): MockSshProfile {
  const port = 'port' in payload ? payload.port : 22;
  const profile: Record<string, unknown> = {
    host: payload.host ?? null,
    port: port ?? null,
    username: payload.username ?? null,
    name: payload.name ?? '',
    remember_password: payload.remember_password ?? false,
    auth_method: payload.auth_method ?? 'password',
  };
  for (const field of SECRETS) {
    if (payload[field] && (profile.remember_password || field === 'private_key_path')) profile[field] = payload[field];
  }
  // Python's str() of the parts: a null port is "None".
  const text = (value: unknown) => (value === null || value === undefined ? 'None' : String(value));
  return { ...profile, key: `${text(profile.host)}:${text(profile.port)}@${text(profile.username)}` };
}

/** The `alert_id` of an embedded body (`Body(..., embed=True)`), or FastAPI's 422. */
async function alertId(request: Request): Promise<string | Response> {
  const body = await readBody(request, ['alert_id']);
  if ('response' in body) return body.response;
  const { values, problems } = checkModel(body.value, { alert_id: { type: 'str', required: true } }, { embedded: true });
  return problems.length > 0 ? invalid(problems) : (values.alert_id as string);
}

/** A psutil reading of a small Linux host, a little different each time. */
function systemSnapshot(state: RunicornMockState): Record<string, unknown> {
  const load = () => Math.round(state.random() * 1000) / 10;
  const gib = 1024 ** 3;
  const total = 32 * gib;
  const used = Math.round((6 + state.random() * 4) * gib);
  return {
    available: true,
    ts: Date.now() / 1000,
    cpu: {
      percent: load(),
      count: 8,
      logical_count: 16,
      per_core: Array.from({ length: 16 }, load),
      frequency: { current: 2_900 + Math.round(state.random() * 400), min: 800, max: 4_200 },
      load_avg: [1.2, 0.9, 0.7].map((base) => Math.round((base + state.random()) * 100) / 100),
    },
    memory: {
      total,
      available: total - used,
      used,
      percent: Math.round((used / total) * 1000) / 10,
      swap_total: 0,
      swap_used: 0,
      swap_percent: 0,
    },
    disk: {
      path: '/',
      total: 512 * gib,
      used: 200 * gib,
      free: 312 * gib,
      percent: 39.1,
      io: { read_bytes: 1_042_924_544, write_bytes: 4_997_496_832, read_count: 63_804, write_count: 90_101 },
    },
    platform: { system: 'Linux', release: '6.1.0-28-amd64', machine: 'x86_64' },
  };
}
