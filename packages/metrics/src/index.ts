export { RedirectError, ResponseTooLargeError } from '@trainwire/core';
export { canonicalMetadata, clientEventId } from './metrics/client-event-id.js';
export { ComparisonMetricSeries } from './metrics/comparison-metric-series.js';
export {
  type IngestBatchSender,
  type IngestFailure,
  type IngestReport,
  MetricsIngestor,
  MetricsIngestorFullError,
  type MetricsIngestorOptions,
} from './metrics/metrics-ingestor.js';
export { readSyvainLocalAuth, SYVAIN_AUTH_FILE, type SyvainLocalAuth } from './metrics/syvain-local-auth.js';
export * from './metrics/syvain-metrics-client.js';
export { MetricsApiAuthError, MetricsApiError, MetricsApiRequestError, MetricsApiResponseError } from './metrics/syvain-metrics-errors.js';
