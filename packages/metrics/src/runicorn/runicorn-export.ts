import { InvalidRequestError } from '@trainwire/core';
import { toCSV } from './runicorn-table.js';
import type { MetricRows, Run } from './runicorn-types.js';

/** The export formats of `exportExperiment`. */
export type ExportFormat = 'json' | 'csv';

/** Options of `exportExperiment`. */
export interface ExportOptions {
  /** @default 'json' */
  format?: ExportFormat;
  /**
   * Include media files. The viewer (0.5.x) serves no media over HTTP, so `true` is refused
   * before anything is sent; copy `media/` from the run's `run_dir` instead. @default false
   */
  include_media?: boolean;
}

/** Check the export options before anything is sent; returns the format. */
export function exportFormat(options: ExportOptions): ExportFormat {
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'csv')
    throw new InvalidRequestError('format', `must be "json" or "csv", got ${JSON.stringify(format)}`);
  if (options.include_media !== undefined && typeof options.include_media !== 'boolean') {
    throw new InvalidRequestError('include_media', 'must be a boolean');
  }
  if (options.include_media) {
    throw new InvalidRequestError(
      'include_media',
      "the Runicorn viewer serves no media files over HTTP; export without media and copy media/ from the run's run_dir",
    );
  }
  return format;
}

/**
 * The export the viewer would give, built from the run and its metric rows: CSV is the rows
 * (`global_step` first), JSON is `{ run, metrics: { columns, rows, total } }`.
 */
export function buildExport(format: ExportFormat, run: Run, table: MetricRows): Uint8Array {
  if (format === 'csv') {
    const columns = ['global_step', ...table.columns.filter((column) => column !== 'global_step')];
    return new TextEncoder().encode(toCSV({ columns, rows: table.rows }));
  }
  const document = { run, metrics: { columns: table.columns, rows: table.rows, total: table.total } };
  return new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`);
}
