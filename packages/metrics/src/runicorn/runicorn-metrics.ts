import type { MetricPoint, MetricRows, Metrics } from './runicorn-types.js';

/** Columns of the viewer's metric rows that describe a step rather than measure something. */
const STEP_COLUMNS = new Set(['global_step', 'time', 'stage']);

/**
 * Reshape the viewer's rows into one curve per metric: nulls (a metric not logged at that step)
 * and non-numbers are skipped; `names` keeps only those metrics, `limit` the first points of each.
 */
export function metricsFromRows(runId: string, table: MetricRows, selection: { names?: readonly string[]; limit?: number } = {}): Metrics {
  const wanted = selection.names ? new Set(selection.names) : undefined;
  const metrics: Record<string, MetricPoint[]> = {};
  for (const column of table.columns) {
    if (wanted ? !wanted.has(column) : STEP_COLUMNS.has(column)) continue;
    const points: MetricPoint[] = [];
    for (const row of table.rows) {
      const value = row[column];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const point: MetricPoint = { step: row.global_step, value };
      if (typeof row.time === 'number') point.timestamp = row.time;
      if (typeof row.stage === 'string') point.stage = row.stage;
      points.push(point);
      if (selection.limit !== undefined && points.length >= selection.limit) break;
    }
    if (points.length > 0) metrics[column] = points;
  }
  return { run_id: runId, metrics, total: table.total, sampled: table.sampled };
}
