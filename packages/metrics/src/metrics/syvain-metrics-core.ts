// createSyvainMetricsCore in a module of its own: it loads the schemas chunk with a dynamic import, which the
// client class, importing the functions, must not see (a bundler would wrap the schemas for lazy loading).
import { loadSchemaValidatorWith } from '@trainwire/core';
import { serviceInfo } from '../generated/metrics.js';
import { type SyvainMetricsClientOptions, type SyvainMetricsCore, syvainMetricsCore } from './syvain-metrics-functions.js';

/**
 * A client core for the standalone functions (`getExperiment(core, id)`), with the arguments of
 * `SyvainMetricsApiClient`: an org API key or `'local'` (default `SYVAIN_METRICS_API_KEY`), and its options.
 */
export function createSyvainMetricsCore(apiKey?: string, options: SyvainMetricsClientOptions = {}): SyvainMetricsCore {
  // The schemas come with the interpreter, in a chunk of their own: a call's bundle carries neither.
  const definition = { ...serviceInfo, operations: {}, schemas: {} };
  return syvainMetricsCore(
    apiKey,
    options,
    definition,
    loadSchemaValidatorWith(() => import('../generated/metrics-schemas.js')),
  );
}
