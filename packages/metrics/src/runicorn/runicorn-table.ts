import type { Experiment, Metrics, RunListItem } from './runicorn-types.js';

/** A table without pandas: named columns and one record per row. */
export interface Table<Row extends Record<string, unknown> = Record<string, unknown>> {
  columns: string[];
  rows: Row[];
}

/** A row of {@link experimentsToRows}: the experiment's fields, epoch-second times as `Date`s. */
export type ExperimentRow = Record<string, unknown> & { id: string; created_time?: Date | null };

/** A row of {@link metricsToRows}: the step, then each metric's value at it (`null` when not logged there). */
export type MetricsRow = { step: number } & Record<string, number | null>;

const TIME_FIELDS = new Set(['created_time', 'created_at', 'updated_at', 'deleted_at']);
const LEADING = ['id', 'project', 'name', 'status'];

/**
 * Experiments as a table (the counterpart of `utils.experiments_to_dataframe`): one row each,
 * `created_time` / `created_at` / `updated_at` converted from epoch seconds to `Date`.
 */
export function experimentsToRows(experiments: readonly (Experiment | RunListItem)[]): Table<ExperimentRow> {
  const columns = new Set<string>();
  const rows = experiments.map((experiment) => {
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(experiment)) {
      columns.add(key);
      row[key] = TIME_FIELDS.has(key) && typeof value === 'number' ? new Date(value * 1000) : value;
    }
    return row as ExperimentRow;
  });
  const ordered = [...LEADING.filter((column) => columns.has(column)), ...[...columns].filter((column) => !LEADING.includes(column))];
  return { columns: ordered, rows };
}

/**
 * Metrics as a table aligned on step (the counterpart of `utils.metrics_to_dataframe`, which takes
 * the steps of the first metric only and misaligns curves of different lengths): one row per step
 * any metric was logged at, ascending.
 */
export function metricsToRows(metrics: Pick<Metrics, 'metrics'>): Table<MetricsRow> {
  const names = Object.keys(metrics.metrics);
  const byStep = new Map<number, MetricsRow>();
  for (const name of names) {
    for (const point of metrics.metrics[name] ?? []) {
      let row = byStep.get(point.step);
      if (!row) {
        row = { step: point.step } as MetricsRow;
        for (const other of names) row[other] = null;
        byStep.set(point.step, row);
      }
      row[name] = point.value;
    }
  }
  const rows = [...byStep.values()].sort((left, right) => left.step - right.step);
  return { columns: ['step', ...names], rows };
}

/**
 * A table as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
 * break quoted). `null`/`undefined` become empty fields, dates ISO 8601, objects JSON.
 */
export function toCSV(table: Table<Record<string, unknown>>): string {
  const lines = [table.columns.map(field).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((column) => field(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function field(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The table helpers under the Python module's name: `utils.experimentsToRows(...)`. */
export const utils = { experimentsToRows, metricsToRows, toCSV };
