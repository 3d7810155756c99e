// `@trainwire/metrics/runicorn-functions`: one function per Runicorn viewer call over a small client
// core, so a bundle carries only the functions it imports (`import { createRunicornCore, getExperiment }`).
// Exports, the Artifacts and Remote APIs and `connect` are on `RunicornClient` only.

export { createRunicornCore } from './runicorn/runicorn-core.js';
export {
  DEFAULT_BASE_URL,
  type GetMetricsOptions,
  getConfig,
  getExperiment,
  getGpuInfo,
  getMetrics,
  healthCheck,
  type ListExperimentsQuery,
  listExperiments,
  listProjects,
  metricRows,
  type RunicornClientOptions,
  type RunicornCore,
  updateConfig,
} from './runicorn/runicorn-functions.js';
export type { Experiment, GpuTelemetry, Health, MetricRows, Metrics, Run, ViewerConfig } from './runicorn/runicorn-types.js';
