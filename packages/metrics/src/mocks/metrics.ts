import { mockHttp } from '@trainwire/core/mock-kit';
import type { RequestHandler } from 'msw';
import { annotationHandlers } from './metrics-annotation-handlers.js';
import { dataHandlers } from './metrics-data-handlers.js';
import { experimentHandlers } from './metrics-experiment-handlers.js';
import { folderHandlers } from './metrics-folder-handlers.js';
import { keyHandlers } from './metrics-key-handlers.js';
import { seedMetricsState } from './metrics-mock-seed.js';
import { MetricsMockState } from './metrics-mock-state.js';

export { service as metricsService } from '../generated/metrics-service.js';
export { type IngestCounts, MetricsMockState, type MintedKey, type StoredMetric } from './metrics-mock-state.js';

/** Options of {@link createMetricsMock}. */
export interface MetricsMockOptions {
  /** @default 'https://metrics.syvain.com' */
  baseURL?: string;
  /** The organisation API key accepted. @default 'ak_org_trainwire_test' */
  apiKey?: string;
  /** Seeds the ids, the noise of the seeded curves and the request ids. @default 1 */
  seed?: number;
  /** Scales simulated time: how long queued (non-sync) ingestion takes to show, and key expiry. @default 1 */
  speed?: number;
  /** Experiments seeded at start, each with loss/accuracy curves and an annotation. @default 3 */
  experiments?: number;
  /** Milliseconds (at speed 1) before events ingested without `sync` can be queried. @default 50 */
  ingestDelay?: number;
}

/**
 * A stateful mock of the Syvain Metrics API: folders, experiments seeded with metric curves,
 * idempotent ingestion deduplicated by `client_event_id` (accepted / duplicates / rejected counts),
 * ingestion keys that are minted, revoked and refused, a catalog, comparisons and annotations.
 * Org calls need `Authorization: Bearer <apiKey>`; ingestion and annotation writes need a live
 * ingestion key of that experiment. Writes honour `Idempotency-Key` (a repeat replays the first 2xx
 * answer; a repeat with another body is a 422). Every answer carries an `x-request-id`.
 */
export function createMetricsMock(options: MetricsMockOptions = {}): { handlers: RequestHandler[]; state: MetricsMockState } {
  const base = (options.baseURL ?? 'https://metrics.syvain.com').replace(/\/+$/, '');
  const state = new MetricsMockState({
    apiKey: options.apiKey ?? 'ak_org_trainwire_test',
    seed: options.seed ?? 1,
    speed: options.speed ?? 1,
    ingestDelay: options.ingestDelay ?? 50,
  });
  seedMetricsState(state, options.experiments ?? 3);
  const context = { api: `${base}/api/v1`, state, http: mockHttp(state.requestIds) };
  const handlers: RequestHandler[] = [
    ...keyHandlers(context),
    ...folderHandlers(context),
    ...experimentHandlers(context),
    ...dataHandlers(context),
    ...annotationHandlers(context),
  ];
  return { handlers, state };
}
