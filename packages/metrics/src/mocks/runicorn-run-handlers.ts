import { HttpResponse } from 'msw';
import { downsample } from './runicorn-mock-data.js';
import { detail, type HandlerGroup, invalid, ParamReader, problem, readBody } from './runicorn-mock-http.js';

// The run ids the viewer accepts in batch operations (utils/validation.py::validate_run_id).
const RUN_ID = /^[0-9]{8}_[0-9]{6}_[a-f0-9]{6}$/;

/** Health, runs, the recycle bin, metric rows, projects and the run's environment. */
export const runHandlers: HandlerGroup = ({ base, state, http }) => [
  http.get(`${base}/api/health`, () => {
    const { hits, misses } = state.cache;
    return HttpResponse.json({
      status: 'ok',
      storage: state.config.storage,
      version: state.legacy ? '0.6.0' : '0.5.2',
      cache: {
        enabled: true,
        type: 'incremental',
        hit_rate: `${(hits + misses === 0 ? 0 : (100 * hits) / (hits + misses)).toFixed(1)}%`,
        hits,
        misses,
        incremental_updates: state.cache.incremental_updates,
        size: state.cache.rows.size,
        max_size: state.cache.max_size,
      },
    });
  }),
  http.post(`${base}/api/status/check`, () => {
    // The viewer marks a running run failed when its process is gone; the mock's runs stay alive.
    const running = state.walk().filter((run) => run.status === 'running').length;
    return HttpResponse.json({ checked: running, updated: 0, message: `Checked ${running} running experiments, updated 0 statuses` });
  }),
  http.get(`${base}/api/runs`, () =>
    HttpResponse.json(
      state.walk().map((run) => {
        if (!state.legacy) return state.listItem(run);
        // 0.6.0 lists `path` instead of project and name.
        const { project, name, artifacts_created_count, artifacts_used_count, ...item } = state.listItem(run);
        return { ...item, path: `${project}/${name}`, alias: null, tags: [], assets_count: 0 };
      }),
    ),
  ),
  http.get(`${base}/api/runs/:runId`, ({ params }) => {
    const run = state.run(params.runId);
    if (!run) return detail(404, 'Run not found');
    return HttpResponse.json({
      id: run.id,
      status: run.status,
      pid: run.pid,
      run_dir: run.run_dir,
      project: run.project,
      name: run.name,
      ...state.runFiles(run),
      artifacts_created_count: run.artifacts_created.length,
      artifacts_used_count: run.artifacts_used.length,
    });
  }),
  ...['metrics', 'metrics_step'].map((route) =>
    http.get(`${base}/api/runs/:runId/${route}`, ({ params, request }) => {
      const query = new ParamReader(request);
      const target = query.int('downsample', { ge: 100, le: 50_000 });
      const rejection = query.rejection();
      if (rejection) return rejection;
      const run = state.run(params.runId);
      if (!run) return detail(404, 'Run not found');
      state.readMetrics(run);
      const total = run.rows.length;
      const rows = target !== undefined && total > target ? downsample(run.rows, target, run.columns[1] ?? 'loss') : run.rows;
      const headers: Record<string, string> = { 'X-Row-Count': String(rows.length), 'X-Total-Count': String(total) };
      const last = rows[rows.length - 1];
      if (last) headers['X-Last-Step'] = String(last.global_step);
      return HttpResponse.json({ columns: run.columns, rows, total, sampled: rows.length }, { headers });
    }),
  ),
  http.get(`${base}/api/metrics/cache/stats`, () => {
    const { hits, misses, incremental_updates, rows, max_size } = state.cache;
    const reads = hits + misses + incremental_updates;
    return HttpResponse.json({
      size: rows.size,
      max_size,
      hits,
      misses,
      incremental_updates,
      hit_rate: reads === 0 ? 0 : hits / (hits + misses),
      incremental_rate: reads === 0 ? 0 : incremental_updates / reads,
    });
  }),
  http.get(`${base}/api/runs/:runId/progress`, () => HttpResponse.json({ available: false, status: 'unknown' })),

  http.post(`${base}/api/runs/soft-delete`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const ids = batchIds(body.value, 'delete');
    if (ids instanceof Response) return ids;
    const results: Record<string, { success: boolean; error?: string }> = {};
    for (const id of ids) {
      const run = state.run(id, true);
      if (!run) results[id] = { success: false, error: 'run not found' };
      else if (run.deleted) results[id] = { success: false, error: 'already deleted' };
      else {
        run.deleted = { deleted_at: Date.now() / 1000, reason: 'user_deleted', original_status: run.status };
        results[id] = { success: true };
      }
    }
    const count = Object.values(results).filter((result) => result.success).length;
    return HttpResponse.json({ deleted_count: count, results, message: `Soft deleted ${count} of ${ids.length} runs` });
  }),
  http.get(`${base}/api/recycle-bin`, () =>
    HttpResponse.json({
      deleted_runs: state.walk(true).flatMap((run) =>
        run.deleted
          ? [
              {
                id: run.id,
                project: run.project,
                name: run.name,
                created_time: run.created_time,
                deleted_at: run.deleted.deleted_at,
                delete_reason: run.deleted.reason,
                original_status: run.deleted.original_status,
                run_dir: run.run_dir,
              },
            ]
          : [],
      ),
    }),
  ),
  http.post(`${base}/api/recycle-bin/restore`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const ids = batchIds(body.value, 'restore');
    if (ids instanceof Response) return ids;
    const results: Record<string, { success: boolean; error?: string }> = {};
    for (const id of ids) {
      const run = state.run(id, true);
      if (!run) results[id] = { success: false, error: 'run not found' };
      else if (!run.deleted) results[id] = { success: false, error: 'run not deleted' };
      else {
        run.deleted = null;
        results[id] = { success: true };
      }
    }
    const count = Object.values(results).filter((result) => result.success).length;
    return HttpResponse.json({ restored_count: count, results, message: `Restored ${count} of ${ids.length} runs` });
  }),
  http.post(`${base}/api/recycle-bin/empty`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    if (!isDict(body.value)) return invalid([problem.dict(['body'])]);
    if (!body.value.confirm) return detail(400, 'Must set confirm=true to permanently delete');
    const gone = state.runs.filter((run) => run.deleted);
    for (const run of gone) state.runs.splice(state.runs.indexOf(run), 1);
    return HttpResponse.json({ permanently_deleted: gone.length, message: `Permanently deleted ${gone.length} runs` });
  }),

  http.get(`${base}/api/projects`, () => HttpResponse.json({ projects: [...new Set(state.walk().map((run) => run.project))].sort() })),
  http.get(`${base}/api/projects/:project/names`, ({ params }) =>
    HttpResponse.json({
      names: [
        ...new Set(
          state
            .walk()
            .filter((run) => run.project === params.project)
            .map((run) => run.name),
        ),
      ].sort(),
    }),
  ),
  http.get(`${base}/api/projects/:project/names/:name/runs`, ({ params }) =>
    HttpResponse.json(
      state
        .walk()
        .filter((run) => run.project === params.project && run.name === params.name)
        // This route builds its items without the artifact counts, so they take their default of 0.
        .map((run) => ({ ...state.listItem(run), artifacts_created_count: 0, artifacts_used_count: 0 })),
    ),
  ),
  http.get(`${base}/api/environment/:runId`, ({ params }) => {
    const run = state.run(params.runId);
    if (!run) return detail(404, `Run ${String(params.runId)} not found`);
    return HttpResponse.json(run.environment ? { available: true, environment: run.environment } : { available: false });
  }),
];

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `run_ids` of a soft delete or restore, checked as the viewer checks them (400s of its own). */
function batchIds(body: unknown, verb: 'delete' | 'restore'): string[] | Response {
  if (!isDict(body)) return invalid([problem.dict(['body'])]);
  const ids = body.run_ids;
  if (!Array.isArray(ids) || ids.length === 0) return detail(400, 'run_ids is required and must be a list');
  if (ids.length > 100) return detail(400, `Cannot ${verb} more than 100 runs at once`);
  const bad = ids.find((id) => typeof id !== 'string' || !RUN_ID.test(id));
  if (bad !== undefined) return detail(400, `Invalid run_id format: ${typeof bad === 'string' ? bad : JSON.stringify(bad)}`);
  return ids as string[];
}
