/// <reference lib="esnext.disposable" preserve="true" />
import {
  APIPromise,
  loadSchemaValidator,
  type RequestOptions,
  ResponseValidationError,
  requestIdFrom,
  type WithResponse,
} from '@trainwire/core';
import { service } from '../generated/runicorn-service.js';
import { ArtifactsAPI } from './runicorn-artifacts.js';
import type { RunicornCaller } from './runicorn-caller.js';
import { checkText } from './runicorn-checks.js';
import { ConnectionError, ServerError } from './runicorn-errors.js';
import { buildExport, type ExportOptions, exportFormat } from './runicorn-export.js';
import {
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
  runicornCore,
  updateConfig,
} from './runicorn-functions.js';
import { loadNodeFileSystem } from './runicorn-node.js';
import { RemoteAPI } from './runicorn-remote.js';
import type { Experiment, GpuTelemetry, Health, MetricRows, Metrics, Run, ViewerConfig } from './runicorn-types.js';

export {
  DEFAULT_BASE_URL,
  type GetMetricsOptions,
  type ListExperimentsQuery,
  type RunicornClientOptions,
} from './runicorn-functions.js';

/**
 * The Runicorn viewer client: the documented Python methods in camelCase, speaking the routes the
 * viewer really serves. `await using client = await connect()` closes it at the end of the block.
 */
export class RunicornClient implements AsyncDisposable {
  /** The viewer's base URL. */
  readonly baseURL: string;
  /** Per-attempt timeout in milliseconds. */
  readonly timeout: number;
  /** The Artifacts API extension. */
  readonly artifacts: ArtifactsAPI;
  /** The Remote API extension (SSH connections and remote viewers). */
  readonly remote: RemoteAPI;
  readonly #call: RunicornCaller;
  readonly #core: RunicornCore;

  constructor(baseURLOrOptions?: string | RunicornClientOptions, options: RunicornClientOptions = {}) {
    this.#core = runicornCore(baseURLOrOptions, options, service, loadSchemaValidator);
    this.baseURL = this.#core.baseURL;
    this.timeout = this.#core.timeout;
    this.#call = this.#core.call;
    this.artifacts = new ArtifactsAPI(this.#call);
    this.remote = new RemoteAPI(this.#call);
  }

  /** `GET /api/health`; throws {@link ConnectionError} unless the viewer says `ok` (or `healthy`). */
  healthCheck(options?: RequestOptions): APIPromise<Health> {
    return healthCheck(this.#core, options);
  }

  /**
   * Experiments, newest first, filtered: `limit`/`offset` become pages of the viewer's index
   * (`/api/v2/experiments`); a viewer without that index (0.6.0) is read from `/api/runs` instead.
   * `.withResponse()` gives the last page's response.
   */
  listExperiments(given: ListExperimentsQuery = {}, options?: RequestOptions): APIPromise<Experiment[]> {
    return listExperiments(this.#core, given, options);
  }

  /** One run in detail; `NotFoundError` when there is none. */
  getExperiment(runId: string, options?: RequestOptions): APIPromise<Run> {
    return getExperiment(this.#core, runId, options);
  }

  /** Alias of {@link RunicornClient.getExperiment}. */
  getRun(runId: string, options?: RequestOptions): APIPromise<Run> {
    return getExperiment(this.#core, runId, options);
  }

  /** The project names (plain strings, as the viewer answers). */
  listProjects(options?: RequestOptions): APIPromise<string[]> {
    return listProjects(this.#core, options);
  }

  /** A run's metrics as curves: `{ metrics: { loss: [{ step, value, timestamp }] } }`, read from the viewer's rows. */
  getMetrics(runId: string, selection: GetMetricsOptions = {}, options?: RequestOptions): APIPromise<Metrics> {
    return getMetrics(this.#core, runId, selection, options);
  }

  /** The viewer's metric table of a run as it serves it: `{ columns, rows, total, sampled }`. */
  metricRows(runId: string, downsample?: number, options?: RequestOptions): APIPromise<MetricRows> {
    return metricRows(this.#core, runId, downsample, options);
  }

  /** The viewer's configuration. */
  getConfig(options?: RequestOptions): APIPromise<ViewerConfig> {
    return getConfig(this.#core, options);
  }

  /**
   * Change the configuration and return it. The viewer lets only `user_root_dir` change over HTTP
   * (`POST /api/config/user_root_dir`); any other key is refused before sending. `.withResponse()`
   * gives the response of the `GET /api/config` that reads it back.
   */
  updateConfig(config: { user_root_dir: string }, options?: RequestOptions): APIPromise<ViewerConfig> {
    return updateConfig(this.#core, config, options);
  }

  /**
   * A run exported as bytes (`format` json or csv). CSV comes from the viewer's export route when it
   * has one; released viewers answer 501 there, and JSON has no route, so the client builds the export
   * from the run and its metric rows. `.withResponse()` gives the export route's response, or the metric rows'.
   */
  exportExperiment(runId: string, exportOptions: ExportOptions = {}, options?: RequestOptions): APIPromise<Uint8Array> {
    return APIPromise.from(() => this.#exportExperiment(runId, exportOptions, options));
  }

  async #exportExperiment(runId: string, exportOptions: ExportOptions, options?: RequestOptions): Promise<WithResponse<Uint8Array>> {
    const format = exportFormat(exportOptions);
    checkText('run_id', runId);
    if (format === 'csv') {
      try {
        const response = await this.#call.requestRaw('get', '/api/export/{run_id}/csv', { params: { path: { run_id: runId } } }, options);
        // A raw answer is not checked by the transport: a proxy's HTML page must not come back as the CSV.
        const type = response.headers.get('content-type') ?? '';
        if (type !== '' && !/^text\/(csv|plain)\b/i.test(type)) {
          response.body?.cancel().catch(() => undefined);
          throw new ResponseValidationError({
            status: response.status,
            path: '$',
            reason: `expected a text/csv body, got content-type ${type}`,
            operation: `Runicorn ${service.operations['GET /api/export/{run_id}/csv']?.operationId}`,
          });
        }
        return { data: new Uint8Array(await response.arrayBuffer()), response, requestId: requestIdFrom(response.headers) };
      } catch (error) {
        if (!(error instanceof ServerError && error.status === 501)) throw error;
      }
    }
    const [run, table] = await Promise.all([this.getExperiment(runId, options), this.metricRows(runId, undefined, options).withResponse()]);
    return { ...table, data: buildExport(format, run, table.data) };
  }

  /** {@link RunicornClient.exportExperiment} written to `filePath` (Node only); returns the absolute path. */
  exportExperimentToFile(runId: string, filePath: string, exportOptions: ExportOptions = {}, options?: RequestOptions): APIPromise<string> {
    return APIPromise.from(async () => {
      checkText('file_path', filePath);
      const { fs, path } = await loadNodeFileSystem('exportExperimentToFile');
      const exported = await this.#exportExperiment(runId, exportOptions, options);
      const target = path.resolve(filePath);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, exported.data);
      return { ...exported, data: target };
    });
  }

  /** GPU telemetry of the viewer host (`{ available: false, reason }` without nvidia-smi). */
  getGpuInfo(options?: RequestOptions): APIPromise<GpuTelemetry> {
    return getGpuInfo(this.#core, options);
  }

  /** Whether {@link RunicornClient.close} was called. */
  get closed(): boolean {
    return this.#call.closed;
  }

  /** Abort the calls in flight and refuse new ones (they throw {@link ConnectionError}). Safe to call twice. */
  async close(): Promise<void> {
    this.#call.close();
  }

  /** `await using client = ...` closes the client at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Connect to a viewer: build a client and check `/api/health` (the Python `api.connect`, without its
 * bug: the viewer answers `ok`, not `healthy`). Throws {@link ConnectionError} when it is not reachable.
 */
export async function connect(baseURL?: string, options: RunicornClientOptions = {}): Promise<RunicornClient> {
  const client = new RunicornClient({ ...options, baseURL: baseURL ?? options.baseURL });
  try {
    // The Python client gives the health check 5 seconds.
    await client.healthCheck({ timeout: Math.min(client.timeout, 5_000) });
    return client;
  } catch (error) {
    await client.close();
    throw error;
  }
}
