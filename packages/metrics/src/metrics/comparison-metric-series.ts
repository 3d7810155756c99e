import { InvalidRequestError } from '@trainwire/core';
import type { components } from '../generated/metrics.js';

/** One series of a comparison: an experiment's metric, optionally narrowed to one metadata value. */
export type ComparisonMetricSeries = components['schemas']['ComparisonMetricSeries'];

/**
 * Build a {@link ComparisonMetricSeries}, checking it as the Python model does: `experiment_id` and
 * `metric_name` are required, and `metadata_key` and `metadata_value` go together.
 */
export function ComparisonMetricSeries(fields: ComparisonMetricSeries): ComparisonMetricSeries {
  if (typeof fields?.experiment_id !== 'string' || fields.experiment_id === '')
    throw new InvalidRequestError('experiment_id', 'is required');
  if (typeof fields.metric_name !== 'string' || fields.metric_name === '') throw new InvalidRequestError('metric_name', 'is required');
  if ((fields.metadata_key === undefined) !== (fields.metadata_value === undefined))
    throw new InvalidRequestError('metadata_value', 'metadata_key and metadata_value must be given together');
  return { ...fields };
}
