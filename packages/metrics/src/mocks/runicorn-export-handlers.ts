import { HttpResponse } from 'msw';
import type { components } from '../generated/runicorn.js';
import { readArchive } from './runicorn-archive.js';
import type { MockRun } from './runicorn-mock-data.js';
import { detail, type HandlerGroup, invalid, ParamReader, problem, readBody } from './runicorn-mock-http.js';
import type { RunicornMockState } from './runicorn-state.js';

type MetricRow = components['schemas']['MetricRow'];

const EXPERIMENTS_MISSING = 'Experiment management not available';
const EXPORT_MISSING = 'Export functionality not available';

/**
 * What the released viewer cannot do (its exporter and experiment manager fail to import: 501 after
 * FastAPI's own validation), the CSV export when a test turns it on, and the archive import.
 */
export const exportHandlers: HandlerGroup = ({ base, state, http }) => [
  http.post(`${base}/api/experiments/tag`, async ({ request }) => {
    const body = await readBody(request);
    return 'response' in body ? body.response : detail(501, EXPERIMENTS_MISSING);
  }),
  http.get(`${base}/api/experiments/search`, ({ request }) => {
    const query = new ParamReader(request);
    query.bool('archived', false);
    return query.rejection() ?? detail(501, EXPERIMENTS_MISSING);
  }),
  http.delete(`${base}/api/experiments/delete`, async ({ request }) => {
    const body = await readBody(request);
    return 'response' in body ? body.response : detail(501, EXPERIMENTS_MISSING);
  }),
  http.get(`${base}/api/export/:runId/csv`, ({ params }) => {
    if (!state.options.exportAvailable) return detail(501, EXPORT_MISSING);
    const run = state.run(params.runId);
    if (!run) return detail(404, `Run ${String(params.runId)} not found`);
    const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));
    const lines = [run.columns.join(','), ...run.rows.map((row) => run.columns.map((column) => cell(row[column])).join(','))];
    return new HttpResponse(`${lines.join('\n')}\n`, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
  }),
  http.get(`${base}/api/export/:runId/report`, () => detail(501, EXPORT_MISSING)),
  http.post(`${base}/api/import/archive`, async ({ request }) => {
    const form = await request.formData().catch(() => undefined);
    const file = form?.get('file');
    if (file === undefined || file === null) return invalid([problem.missing(['body', 'file'])]);
    if (typeof file === 'string') {
      return invalid([{ loc: ['body', 'file'], msg: "Expected UploadFile, received: <class 'str'>", type: 'value_error' }]);
    }
    let files: { path: string; data: Uint8Array }[];
    try {
      files = await readArchive(new Uint8Array(await file.arrayBuffer()));
    } catch (error) {
      return detail(400, `Unsupported or corrupted archive: ${(error as Error).message}`);
    }
    return HttpResponse.json(importFiles(state, files));
  }),
];

/** Merge an archive's files into the storage root as the viewer's import does, and report the runs it added. */
function importFiles(state: RunicornMockState, files: { path: string; data: Uint8Array }[]) {
  const storage = state.config.storage;
  // Paths that would leave the storage root are skipped, as the viewer's safe_extract skips them.
  const safe = files.flatMap((file) => {
    const parts = file.path.split('/').filter((part) => part !== '' && part !== '.');
    return file.path.startsWith('/') || parts.includes('..') || parts.length === 0 ? [] : [{ parts, data: file.data }];
  });
  const byRun = new Map<string, { project: string; name: string; id: string; files: Map<string, Uint8Array> }>();
  for (const { parts, data } of safe) {
    const [project, name, runs, id, ...rest] = parts;
    if (!project || !name || runs !== 'runs' || !id || rest.length === 0 || project === 'runs' || project === 'webui') continue;
    const key = `${project}/${name}/runs/${id}`;
    const entry = byRun.get(key) ?? { project, name, id, files: new Map() };
    entry.files.set(rest.join('/'), data);
    byRun.set(key, entry);
  }
  const added: MockRun[] = [];
  for (const entry of byRun.values()) {
    if (state.runs.some((run) => run.id === entry.id && run.project === entry.project && run.name === entry.name)) continue;
    const run = importedRun(state, entry.project, entry.name, entry.id, entry.files);
    state.runs.push(run);
    added.push(run);
  }
  return {
    ok: true,
    imported_files: safe.length,
    new_run_dirs: added.map((run) => run.run_dir).sort(),
    new_run_ids: added.map((run) => run.id).sort(),
    storage,
  };
}

/** A run read from the files the logging SDK writes: meta.json, status.json, summary.json, events.jsonl. */
function importedRun(state: RunicornMockState, project: string, name: string, id: string, files: Map<string, Uint8Array>): MockRun {
  const decoder = new TextDecoder();
  const json = (file: string): Record<string, unknown> => {
    const data = files.get(file);
    try {
      const value = data ? JSON.parse(decoder.decode(data)) : {};
      return typeof value === 'object' && value !== null ? value : {};
    } catch {
      return {};
    }
  };
  const meta = json('meta.json');
  const summary = json('summary.json');
  const { columns, rows } = metricTable(files.get('events.jsonl') ? decoder.decode(files.get('events.jsonl')) : '');
  const created = typeof meta.created_at === 'number' ? meta.created_at : Date.now() / 1000;
  const records = (file: string) =>
    ((json(file).artifacts as Record<string, unknown>[] | undefined) ?? []).map((item) => ({
      name: String(item.name),
      type: String(item.type),
      version: Number(item.version),
      at: Number(item.created_at ?? item.used_at ?? created),
      size_bytes: Number(item.size_bytes ?? 0),
    }));
  return {
    id,
    project: typeof meta.project === 'string' ? meta.project : project,
    name: typeof meta.name === 'string' ? meta.name : name,
    status: String(json('status.json').status ?? 'finished'),
    created_time: created,
    pid: typeof meta.pid === 'number' ? meta.pid : 0,
    run_dir: `${state.config.storage}/${project}/${name}/runs/${id}`,
    columns,
    rows,
    final_steps: rows.length,
    started_at_ms: Date.now(),
    best_metric_name: typeof summary.best_metric_name === 'string' ? summary.best_metric_name : null,
    best_mode: summary.best_metric_mode === 'min' ? 'min' : 'max',
    deleted: null,
    indexDeleted: false,
    environment: files.has('environment.json') ? json('environment.json') : null,
    artifacts_created: records('artifacts_created.json'),
    artifacts_used: records('artifacts_used.json'),
  };
}

/** The viewer's metric table of an events.jsonl: one row per step, later values win, every column in every row. */
function metricTable(events: string): { columns: string[]; rows: MetricRow[] } {
  const byStep = new Map<number, MetricRow>();
  const columns = new Set<string>();
  for (const line of events.split('\n')) {
    let event: { type?: unknown; data?: Record<string, unknown> };
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    const data = event?.type === 'metrics' && typeof event.data === 'object' && event.data !== null ? event.data : undefined;
    const step = Number.parseInt(String(data?.global_step ?? data?.step), 10);
    if (!data || !Number.isFinite(step)) continue;
    const row = byStep.get(step) ?? { global_step: step };
    for (const [key, value] of Object.entries(data)) {
      if (key === 'global_step' || key === 'step' || key === 'epoch') continue;
      if (typeof value === 'number') row[key] = Number.isFinite(value) ? value : null;
      else if (typeof value === 'string' || value === null) row[key] = value;
      else continue;
      columns.add(key);
    }
    byStep.set(step, row);
  }
  const ordered = ['global_step', ...[...columns].sort()];
  const rows = [...byStep.keys()]
    .sort((left, right) => left - right)
    .map((step) => Object.fromEntries(ordered.map((column) => [column, (byStep.get(step) as MetricRow)[column] ?? null])) as MetricRow);
  return { columns: rows.length > 0 ? ordered : [], rows };
}
