export { RedirectError, ResponseTooLargeError } from '@trainwire/core';
export { type ArtifactReference, ArtifactsAPI, parseArtifactId } from './runicorn/runicorn-artifacts.js';
export {
  connect,
  DEFAULT_BASE_URL,
  type GetMetricsOptions,
  type ListExperimentsQuery,
  RunicornClient,
  type RunicornClientOptions,
} from './runicorn/runicorn-client.js';
export {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  RunicornAPIError,
  ServerError,
  UnexpectedStatusError,
  UnprocessableEntityError,
  UnsafeArtifactFileError,
} from './runicorn/runicorn-errors.js';
export type { ExportFormat, ExportOptions } from './runicorn/runicorn-export.js';
export { NodeRequiredError } from './runicorn/runicorn-node.js';
export {
  RemoteAPI,
  type RemoteConnectOptions,
  type SSHCredentials,
  type StartViewerOptions,
} from './runicorn/runicorn-remote.js';
export {
  type ExperimentRow,
  experimentsToRows,
  type MetricsRow,
  metricsToRows,
  type Table,
  toCSV,
  utils,
} from './runicorn/runicorn-table.js';
export type * from './runicorn/runicorn-types.js';
