import { type MockedService, mockedService } from '@trainwire/core/mock-kit';
import { service } from '../generated/metrics-service.js';
import { SyvainMetricsApiClient, type SyvainMetricsClientOptions } from '../metrics/syvain-metrics-client.js';
import { createMetricsMock, type MetricsMockOptions } from './metrics.js';
import type { MetricsMockState } from './metrics-mock-state.js';

/** The org API key the Syvain Metrics mock accepts by default. */
export const SYVAIN_METRICS_MOCK_API_KEY = 'ak_org_trainwire_test';

/** {@link createMetricsMock} with what points a `SyvainMetricsApiClient` at it (the key is the constructor's first argument, `apiKey`). */
export type MockedSyvainMetrics = MockedService<MetricsMockState, SyvainMetricsClientOptions, SyvainMetricsApiClient> & { apiKey: string };

/**
 * A Syvain Metrics mock and the client options that reach it whatever the environment says: the
 * host and key are given explicitly, so `SYVAIN_METRICS_HOST` / `SYVAIN_METRICS_API_KEY` in the
 * shell (the sandbox's `export` lines) cannot send a test past the mock.
 *
 * @example
 * const mock = mockSyvainMetrics({ seed: 1 });
 * setupServer(...mock.handlers).listen({ onUnhandledRequest: 'error' });
 * const client = mock.createClient(); // or new SyvainMetricsApiClient(mock.apiKey, mock.clientOptions)
 */
export function mockSyvainMetrics(options: MetricsMockOptions = {}): MockedSyvainMetrics {
  const baseURL = options.baseURL ?? (service.servers[0] as string);
  const apiKey = options.apiKey ?? SYVAIN_METRICS_MOCK_API_KEY;
  const mock = createMetricsMock({ ...options, baseURL, apiKey });
  const pinned = { baseURL, apiKey, clientOptions: { host: baseURL } };
  return { ...mockedService(mock, pinned, (settings: SyvainMetricsClientOptions) => new SyvainMetricsApiClient(apiKey, settings)), apiKey };
}
