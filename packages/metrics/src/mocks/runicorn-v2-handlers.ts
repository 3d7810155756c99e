import { HttpResponse } from 'msw';
import type { MockRun } from './runicorn-mock-data.js';
import { detail, type HandlerGroup, invalid, ParamReader, problem, readBody } from './runicorn-mock-http.js';
import type { RunicornMockState } from './runicorn-state.js';

// The size of the viewer's SQLite index file for a small storage.
const DB_BYTES = 139_264;

/**
 * The v2 routes over the viewer's SQLite index: experiments paged and filtered, their details, the
 * "fast" metrics (empty: the logging SDK writes no metrics into the index), batch delete (in the index
 * only: the file routes still list those runs) and the analytics, which report zeros.
 */
export const v2Handlers: HandlerGroup = ({ base, state, http }) => [
  http.get(`${base}/api/v2/experiments`, ({ request }) => {
    const query = new ParamReader(request);
    const filters = {
      project: query.text('project'),
      name: query.text('name'),
      status: query.text('status'),
      search: query.text('search')?.toLowerCase(),
      createdAfter: query.float('created_after'),
      createdBefore: query.float('created_before'),
      bestMin: query.float('best_metric_min'),
      bestMax: query.float('best_metric_max'),
      includeDeleted: query.bool('include_deleted', false),
    };
    const page = query.int('page', { ge: 1, default: 1 }) as number;
    const perPage = query.int('per_page', { ge: 1, le: 1000, default: 50 }) as number;
    const orderBy = query.text('order_by', { default: 'created_at' }) as string;
    const descending = query.bool('order_desc', true);
    const rejection = query.rejection();
    if (rejection) return rejection;
    const statuses = filters.status ? filters.status.split(',') : undefined;
    const ranged = filters.bestMin !== undefined || filters.bestMax !== undefined;
    const matching = state
      .walk(true)
      .filter((run) => filters.includeDeleted || !run.indexDeleted)
      .filter((run) => !filters.project || run.project === filters.project)
      .filter((run) => !filters.name || run.name === filters.name)
      .filter((run) => !statuses || statuses.includes(run.status))
      .filter((run) => !filters.search || `${run.project} ${run.name}`.toLowerCase().includes(filters.search))
      .filter((run) => filters.createdAfter === undefined || run.created_time >= filters.createdAfter)
      .filter((run) => filters.createdBefore === undefined || run.created_time <= filters.createdBefore)
      .filter((run) => !ranged || inRange(state.best(run), filters.bestMin ?? -Infinity, filters.bestMax ?? Infinity))
      .sort((left, right) => (descending ? -1 : 1) * compare(state, left, right, orderBy));
    const experiments = matching.slice((page - 1) * perPage, page * perPage).map((run) => state.indexItem(run));
    return HttpResponse.json({
      experiments,
      total: matching.length,
      page,
      per_page: perPage,
      has_next: (page - 1) * perPage + experiments.length < matching.length,
      has_prev: page > 1,
      query_time_ms: 0.4,
    });
  }),
  http.get(`${base}/api/v2/experiments/:expId`, ({ params }) => {
    const run = state.run(params.expId, true);
    if (!run) return detail(404, `Experiment ${String(params.expId)} not found`);
    return HttpResponse.json({
      experiment: state.indexItem(run),
      metrics_summary: { total_data_points: 0, available_metrics: [], step_range: null },
      environment_available: run.environment !== null,
      file_count: fileCount(run),
    });
  }),
  http.get(`${base}/api/v2/experiments/:expId/metrics/fast`, ({ request }) => {
    const query = new ParamReader(request);
    const names = query.text('metric_names')?.split(',');
    const range = query.text('step_range');
    const downsample = query.int('downsample');
    const rejection = query.rejection();
    if (rejection) return rejection;
    let stepRange: number[] | null = null;
    if (range) {
      const parts = range.split(':');
      if (parts.length !== 2 || !parts.every((part) => /^\s*[+-]?\d+\s*$/.test(part))) {
        return detail(400, "Invalid step_range format, use 'min:max'");
      }
      stepRange = parts.map(Number);
    }
    const filtered = Boolean(names || stepRange || downsample);
    return HttpResponse.json({
      columns: filtered && names ? ['global_step', ...names] : [],
      rows: [],
      query_time_ms: 0.3,
      total_points: 0,
      applied_filters: { metrics: names ?? null, step_range: stepRange, downsampled: downsample !== undefined },
    });
  }),
  http.post(`${base}/api/v2/experiments/batch-delete`, async ({ request }) => {
    const body = await readBody(request);
    if ('response' in body) return body.response;
    if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) return invalid([problem.dict(['body'])]);
    const ids = (body.value as { exp_ids?: unknown }).exp_ids;
    if (!ids || (Array.isArray(ids) && ids.length === 0)) return detail(400, 'exp_ids is required');
    if (!Array.isArray(ids)) return detail(500, `'${typeof ids}' object is not iterable`);
    if (ids.length > 1000) return detail(400, 'Cannot delete more than 1000 experiments at once');
    const results: Record<string, { success: boolean }> = {};
    for (const id of ids.map(String)) {
      const run = state.run(id, true);
      const success = Boolean(run && !run.indexDeleted);
      if (run) run.indexDeleted = true;
      results[id] = { success };
    }
    const count = Object.values(results).filter((result) => result.success).length;
    return HttpResponse.json({ deleted_count: count, results, message: `Soft deleted ${count} of ${ids.length} runs` });
  }),
  http.get(`${base}/api/v2/analytics/overview`, () => {
    const storage = storageStatistics(state);
    return HttpResponse.json({
      overview: {
        total_experiments: storage.statistics.total_experiments,
        active_experiments: storage.statistics.active_experiments,
        running_experiments: 0,
        success_rate: 0,
        avg_experiment_duration: 0,
        storage_size_mb: storage.statistics.db_size_mb,
        query_performance: storage.performance,
      },
      storage_info: storage,
      generated_at: Date.now() / 1000,
    });
  }),
  http.get(`${base}/api/v2/analytics/projects`, ({ request }) => {
    const query = new ParamReader(request);
    const days = query.int('days', { default: 30 });
    return query.rejection() ?? HttpResponse.json({ projects: [], analysis_period_days: days, generated_at: Date.now() / 1000 });
  }),
  http.get(`${base}/api/v2/analytics/performance-trends`, ({ request }) => {
    const query = new ParamReader(request);
    const metricName = query.text('metric_name', { required: true });
    const project = query.text('project') ?? null;
    const days = query.int('days', { default: 30 });
    return (
      query.rejection() ??
      HttpResponse.json({
        metric_name: metricName,
        project,
        trend_data: [],
        statistics: { total_experiments: 0, mean_value: 0, std_dev: 0, min_value: 0, max_value: 0 },
        analysis_period_days: days,
        generated_at: Date.now() / 1000,
      })
    );
  }),
  http.get(`${base}/api/v2/analytics/health`, () => {
    const storage = storageStatistics(state);
    return HttpResponse.json({
      health_status: 'excellent',
      health_score: 100,
      issues: [],
      performance: { test_query_time_ms: 0.3, ...storage.performance },
      storage: {
        backend_type: storage.backend_type,
        storage_type: storage.storage_type,
        db_size_mb: storage.statistics.db_size_mb,
        total_experiments: storage.statistics.total_experiments,
      },
      checked_at: Date.now() / 1000,
    });
  }),
];

function inRange(value: number | null, minimum: number, maximum: number): boolean {
  return value !== null && value >= minimum && value <= maximum;
}

/** The index's sort keys; an unknown field sorts by creation time. */
function compare(state: RunicornMockState, left: MockRun, right: MockRun, orderBy: string): number {
  const key = (run: MockRun): number | string => {
    if (orderBy === 'name' || orderBy === 'project' || orderBy === 'status') return run[orderBy];
    if (orderBy === 'best_metric_value') return state.best(run) ?? -Infinity;
    return run.created_time;
  };
  const [a, b] = [key(left), key(right)];
  return typeof a === 'string' && typeof b === 'string' ? a.localeCompare(b) : (a as number) - (b as number);
}

/** The files in a run folder: what the SDK writes, and the artifact records when there are some. */
function fileCount(run: MockRun): number {
  const written = ['meta.json', 'status.json', 'summary.json', 'events.jsonl', 'logs.txt', 'events.jsonl.lock', 'logs.txt.lock'];
  return (
    written.length + Number(run.artifacts_created.length > 0) + Number(run.artifacts_used.length > 0) + Number(run.environment !== null)
  );
}

/** What the storage service reports about the SQLite index. */
function storageStatistics(state: RunicornMockState) {
  const runs = state.walk(true);
  const deleted = runs.filter((run) => run.indexDeleted).length;
  const performance = { avg_query_time_ms: 0, cache_hit_rate: 0 };
  const statistics: Record<string, number> & { total_experiments: number; active_experiments: number; db_size_mb: number } = {
    total_experiments: runs.length,
    active_experiments: runs.length - deleted,
    deleted_experiments: deleted,
    total_metrics_points: 0,
    storage_size_bytes: DB_BYTES,
    avg_query_time_ms: 0,
    cache_hit_rate: 0,
    db_size_mb: DB_BYTES / 1024 / 1024,
    db_fragmentation_pct: 0,
    updated_at: Date.now() / 1000,
  };
  return { storage_type: 'hybrid', backend_type: 'SQLiteStorageBackend', statistics, performance };
}
