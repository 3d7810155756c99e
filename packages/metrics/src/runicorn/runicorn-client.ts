/// <reference lib="esnext.disposable" preserve="true" />
import {
  APIPromise,
  type ClientOptions,
  ConfigError,
  createTransport,
  InvalidRequestError,
  loadSchemaValidator,
  normalizeBaseURL,
  type RequestOptions,
  ResponseValidationError,
  readEnv,
  registerSecret,
  requestIdFrom,
  resolveSetting,
  type WithResponse,
} from '@trainwire/core';
import { type paths, service } from '../generated/runicorn.js';
import { ArtifactsAPI } from './runicorn-artifacts.js';
import { type RunicornCaller, runicornCaller } from './runicorn-caller.js';
import { checkCount, checkKeys, checkText } from './runicorn-checks.js';
import { ConnectionError, NotFoundError, runicornErrorClasses, ServerError } from './runicorn-errors.js';
import { experimentFromRun, filterExperiments } from './runicorn-experiments.js';
import { buildExport, type ExportOptions, exportFormat } from './runicorn-export.js';
import { metricsFromRows } from './runicorn-metrics.js';
import { loadNodeFileSystem } from './runicorn-node.js';
import { RemoteAPI } from './runicorn-remote.js';
import type { Experiment, GpuTelemetry, Health, MetricRows, Metrics, Run, ViewerConfig } from './runicorn-types.js';

/** The documented default viewer address. */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:23300';

/** Options of {@link RunicornClient} (the Python `base_url`, `timeout`, `max_retries`, in camelCase). */
export interface RunicornClientOptions extends ClientOptions {
  /** The viewer. @default the RUNICORN_BASE_URL environment variable, else 'http://127.0.0.1:23300' */
  baseURL?: string | undefined;
  /**
   * A bearer token for a reverse proxy in front of the viewer (the viewer itself takes none).
   * @default the RUNICORN_API_KEY environment variable, else none
   */
  apiKey?: string | undefined;
  /** Per-attempt timeout in milliseconds (the Python client's 30 seconds). @default 30000 */
  timeout?: number | undefined;
  /** Retries on connection errors, 408, 409, 429 and 5xx except 501 (the Python client's 3). @default 3 */
  maxRetries?: number | undefined;
}

/** Filters of {@link RunicornClient.listExperiments}. */
export interface ListExperimentsQuery {
  project?: string;
  name?: string;
  /** One status or several (`running`, `finished`, `failed`). */
  status?: string | readonly string[];
  /** At most this many experiments. @default all */
  limit?: number;
  /** Skip this many first. @default 0 */
  offset?: number;
}

/** Options of {@link RunicornClient.getMetrics}. */
export interface GetMetricsOptions {
  /** Only these metrics. @default every metric */
  metric_names?: readonly string[];
  /** At most this many points per metric, the first ones. @default all */
  limit?: number;
  /** Ask the viewer to downsample to about this many rows (LTTB, 100–50000), which keeps a curve's shape. */
  downsample?: number;
}

// The viewer's v2 index pages at most 1000 experiments per request.
const MAX_PER_PAGE = 1000;

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

  constructor(baseURLOrOptions?: string | RunicornClientOptions, options: RunicornClientOptions = {}) {
    const settings = typeof baseURLOrOptions === 'string' ? { ...options, baseURL: baseURLOrOptions } : { ...options, ...baseURLOrOptions };
    const apiKey = settings.apiKey ?? readEnv('RUNICORN_API_KEY');
    registerSecret(apiKey);
    // Core quotes a bad URL with JSON.stringify, which throws for a bigint: refuse non-strings here.
    if (settings.baseURL !== undefined && typeof settings.baseURL !== 'string')
      throw new ConfigError(`Runicorn baseURL must be a string, got a value of type ${typeof settings.baseURL}.`);
    const baseURL = resolveSetting({
      value: settings.baseURL,
      option: 'baseURL',
      env: 'RUNICORN_BASE_URL',
      service: 'Runicorn',
      default: DEFAULT_BASE_URL,
    });
    this.baseURL = normalizeBaseURL(baseURL, {
      service: 'Runicorn',
      // Plain http to another host is refused only when it would carry a token.
      allowInsecureHTTP: settings.allowInsecureHTTP ?? !apiKey,
    });
    if (settings.timeout !== undefined && !(typeof settings.timeout === 'number' && settings.timeout > 0))
      throw new InvalidRequestError('timeout', 'must be a positive number of milliseconds');
    checkCount('maxRetries', settings.maxRetries, 0);
    this.timeout = settings.timeout ?? 30_000;
    const transport = createTransport<paths>({
      ...settings,
      definition: service,
      validator: loadSchemaValidator,
      apiKey,
      baseURL: this.baseURL,
      timeout: this.timeout,
      maxRetries: settings.maxRetries ?? 3,
      errorClasses: runicornErrorClasses,
      userAgent: 'trainwire-runicorn/0.0.0',
    });
    this.#call = runicornCaller(transport);
    this.artifacts = new ArtifactsAPI(this.#call);
    this.remote = new RemoteAPI(this.#call);
  }

  /** `GET /api/health`; throws {@link ConnectionError} unless the viewer says `ok` (or `healthy`). */
  healthCheck(options?: RequestOptions): APIPromise<Health> {
    return this.#call.request('get', '/api/health', {}, options).map((health) => {
      if (health.status !== 'ok' && health.status !== 'healthy') {
        throw new ConnectionError({
          message: `Runicorn viewer at ${this.baseURL} is not healthy: status ${JSON.stringify(health.status)}.`,
        });
      }
      return health;
    });
  }

  /**
   * Experiments, newest first, filtered: `limit`/`offset` become pages of the viewer's index
   * (`/api/v2/experiments`); a viewer without that index (0.6.0) is read from `/api/runs` instead.
   * `.withResponse()` gives the last page's response.
   */
  listExperiments(given: ListExperimentsQuery = {}, options?: RequestOptions): APIPromise<Experiment[]> {
    return APIPromise.from(() => this.#listExperiments(given, options));
  }

  async #listExperiments(given: ListExperimentsQuery, options?: RequestOptions): Promise<WithResponse<Experiment[]>> {
    const query = given ?? {};
    checkKeys('query', query, ['project', 'name', 'status', 'limit', 'offset']);
    const { status } = query;
    if (status !== undefined && typeof status !== 'string' && !(Array.isArray(status) && status.every((item) => typeof item === 'string')))
      throw new InvalidRequestError('query.status', 'must be a status or an array of statuses');
    checkCount('limit', query.limit, 1);
    checkCount('offset', query.offset, 0);
    try {
      return await this.listIndexedExperiments(query, options);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    const runs = await this.#call.request('get', '/api/runs', {}, options).withResponse();
    return { ...runs, data: filterExperiments(runs.data.map(experimentFromRun), query) };
  }

  private async listIndexedExperiments(query: ListExperimentsQuery, options?: RequestOptions): Promise<WithResponse<Experiment[]>> {
    const { limit, offset = 0, status, ...filters } = query;
    const perPage = Math.min(limit ?? MAX_PER_PAGE, MAX_PER_PAGE);
    const statuses = typeof status === 'string' || status === undefined ? status : status.join(',');
    let page = Math.floor(offset / perPage) + 1;
    let skip = offset % perPage;
    const experiments: Experiment[] = [];
    for (;;) {
      const params = { query: { ...filters, ...(statuses === undefined ? {} : { status: statuses }), page, per_page: perPage } };
      const { data: answer, ...last } = await this.#call.request('get', '/api/v2/experiments', { params }, options).withResponse();
      experiments.push(...answer.experiments.slice(skip));
      skip = 0;
      if (!answer.has_next || (limit !== undefined && experiments.length >= limit))
        return { data: limit === undefined ? experiments : experiments.slice(0, limit), ...last };
      page += 1;
    }
  }

  /** One run in detail; `NotFoundError` when there is none. */
  getExperiment(runId: string, options?: RequestOptions): APIPromise<Run> {
    return APIPromise.try(() => {
      checkText('run_id', runId);
      return this.#call.request('get', '/api/runs/{run_id}', { params: { path: { run_id: runId } } }, options);
    });
  }

  /** Alias of {@link RunicornClient.getExperiment}. */
  getRun(runId: string, options?: RequestOptions): APIPromise<Run> {
    return this.getExperiment(runId, options);
  }

  /** The project names (plain strings, as the viewer answers). */
  listProjects(options?: RequestOptions): APIPromise<string[]> {
    return this.#call.request('get', '/api/projects', {}, options).map((answer) => answer.projects);
  }

  /** A run's metrics as curves: `{ metrics: { loss: [{ step, value, timestamp }] } }`, read from the viewer's rows. */
  getMetrics(runId: string, selection: GetMetricsOptions = {}, options?: RequestOptions): APIPromise<Metrics> {
    return APIPromise.try(() => {
      const { metric_names: names, limit, downsample } = selection ?? {};
      checkCount('limit', limit, 1);
      if (names !== undefined && (!Array.isArray(names) || names.some((name) => typeof name !== 'string' || name === ''))) {
        throw new InvalidRequestError('metric_names', 'must be an array of non-empty strings');
      }
      return this.metricRows(runId, downsample, options).map((table) =>
        metricsFromRows(runId, table, { ...(names ? { names } : {}), ...(limit === undefined ? {} : { limit }) }),
      );
    });
  }

  /** The viewer's metric table of a run as it serves it: `{ columns, rows, total, sampled }`. */
  metricRows(runId: string, downsample?: number, options?: RequestOptions): APIPromise<MetricRows> {
    return APIPromise.try(() => {
      checkText('run_id', runId);
      const query = downsample === undefined ? {} : { downsample };
      return this.#call.request('get', '/api/runs/{run_id}/metrics', { params: { path: { run_id: runId }, query } }, options);
    });
  }

  /** The viewer's configuration. */
  getConfig(options?: RequestOptions): APIPromise<ViewerConfig> {
    return this.#call.request('get', '/api/config', {}, options);
  }

  /**
   * Change the configuration and return it. The viewer lets only `user_root_dir` change over HTTP
   * (`POST /api/config/user_root_dir`); any other key is refused before sending. `.withResponse()`
   * gives the response of the `GET /api/config` that reads it back.
   */
  updateConfig(config: { user_root_dir: string }, options?: RequestOptions): APIPromise<ViewerConfig> {
    return APIPromise.from(async () => {
      const unknown = Object.keys(config ?? {}).find((key) => key !== 'user_root_dir');
      if (unknown !== undefined) {
        throw new InvalidRequestError(`config.${unknown}`, 'the Runicorn viewer can change only user_root_dir over HTTP');
      }
      checkText('config.user_root_dir', config?.user_root_dir);
      await this.#call.request('post', '/api/config/user_root_dir', { body: { path: config.user_root_dir } }, options);
      return this.getConfig(options).withResponse();
    });
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
    return this.#call.request('get', '/api/gpu/telemetry', {}, options);
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
