import {
  APIPromise,
  type ClientOptions,
  ConfigError,
  createTransport,
  InvalidRequestError,
  normalizeBaseURL,
  type RequestOptions,
  readEnv,
  registerSecret,
  resolveSetting,
  type ServiceDefinition,
  type TransportOptions,
  type WithResponse,
} from '@trainwire/core';
import {
  getConfigOperation,
  getMetricsOperation,
  getRunDetailOperation,
  gpuTelemetryOperation,
  healthOperation,
  listExperimentsV2Operation,
  listProjectsOperation,
  listRunsOperation,
  type paths,
  setUserRootOperation,
} from '../generated/runicorn.js';
import { type RunicornCaller, runicornCaller } from './runicorn-caller.js';
import { checkCount, checkKeys, checkText } from './runicorn-checks.js';
import { ConnectionError, NotFoundError, runicornErrorClasses } from './runicorn-errors.js';
import { experimentFromRun, filterExperiments } from './runicorn-experiments.js';
import { metricsFromRows } from './runicorn-metrics.js';
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

/**
 * What the standalone functions call through (and `RunicornClient` holds): the viewer's transport,
 * closable, with Runicorn's errors.
 */
export interface RunicornCore {
  /** @internal */
  readonly call: RunicornCaller;
  /** The viewer's base URL. */
  readonly baseURL: string;
  /** Per-attempt timeout in milliseconds. */
  readonly timeout: number;
  /** Abort the calls in flight and refuse new ones (they throw `ConnectionError`), as `RunicornClient.close` does. */
  close(): void;
}

/** @internal What `createRunicornCore` and `RunicornClient` build their core with. */
export function runicornCore(
  baseURLOrOptions: string | RunicornClientOptions | undefined,
  options: RunicornClientOptions,
  definition: ServiceDefinition,
  validator: TransportOptions['validator'],
): RunicornCore {
  const settings = typeof baseURLOrOptions === 'string' ? { ...options, baseURL: baseURLOrOptions } : { ...options, ...baseURLOrOptions };
  const apiKey = settings.apiKey ?? readEnv('RUNICORN_API_KEY');
  registerSecret(apiKey);
  // Core quotes a bad URL with JSON.stringify, which throws for a bigint: refuse non-strings here.
  if (settings.baseURL !== undefined && typeof settings.baseURL !== 'string')
    throw new ConfigError(`Runicorn baseURL must be a string, got a value of type ${typeof settings.baseURL}.`);
  const given = resolveSetting({
    value: settings.baseURL,
    option: 'baseURL',
    env: 'RUNICORN_BASE_URL',
    service: 'Runicorn',
    default: DEFAULT_BASE_URL,
  });
  const baseURL = normalizeBaseURL(given, {
    service: 'Runicorn',
    // Plain http to another host is refused only when it would carry a token.
    allowInsecureHTTP: settings.allowInsecureHTTP ?? !apiKey,
  });
  if (settings.timeout !== undefined && !(typeof settings.timeout === 'number' && settings.timeout > 0))
    throw new InvalidRequestError('timeout', 'must be a positive number of milliseconds');
  checkCount('maxRetries', settings.maxRetries, 0);
  const timeout = settings.timeout ?? 30_000;
  const transport = createTransport<paths>({
    ...settings,
    definition,
    validator,
    apiKey,
    baseURL,
    timeout,
    maxRetries: settings.maxRetries ?? 3,
    errorClasses: runicornErrorClasses,
    userAgent: 'trainwire-runicorn/0.0.0',
  });
  const call = runicornCaller(transport);
  return { call, baseURL, timeout, close: () => call.close() };
}

// The viewer's v2 index pages at most 1000 experiments per request.
const MAX_PER_PAGE = 1000;

/** `GET /api/health`; throws {@link ConnectionError} unless the viewer says `ok` (or `healthy`). */
export function healthCheck(core: RunicornCore, options?: RequestOptions): APIPromise<Health> {
  return core.call.request('get', '/api/health', {}, options, healthOperation).map((health) => {
    if (health.status !== 'ok' && health.status !== 'healthy') {
      throw new ConnectionError({
        message: `Runicorn viewer at ${core.baseURL} is not healthy: status ${JSON.stringify(health.status)}.`,
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
export function listExperiments(core: RunicornCore, given: ListExperimentsQuery = {}, options?: RequestOptions): APIPromise<Experiment[]> {
  return APIPromise.from(async () => {
    const query = given ?? {};
    checkKeys('query', query, ['project', 'name', 'status', 'limit', 'offset']);
    const { status } = query;
    if (status !== undefined && typeof status !== 'string' && !(Array.isArray(status) && status.every((item) => typeof item === 'string')))
      throw new InvalidRequestError('query.status', 'must be a status or an array of statuses');
    checkCount('limit', query.limit, 1);
    checkCount('offset', query.offset, 0);
    try {
      return await indexedExperiments(core, query, options);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    const runs = await core.call.request('get', '/api/runs', {}, options, listRunsOperation).withResponse();
    return { ...runs, data: filterExperiments(runs.data.map(experimentFromRun), query) };
  });
}

async function indexedExperiments(
  core: RunicornCore,
  query: ListExperimentsQuery,
  options?: RequestOptions,
): Promise<WithResponse<Experiment[]>> {
  const { limit, offset = 0, status, ...filters } = query;
  const perPage = Math.min(limit ?? MAX_PER_PAGE, MAX_PER_PAGE);
  const statuses = typeof status === 'string' || status === undefined ? status : status.join(',');
  let page = Math.floor(offset / perPage) + 1;
  let skip = offset % perPage;
  const experiments: Experiment[] = [];
  for (;;) {
    const params = { query: { ...filters, ...(statuses === undefined ? {} : { status: statuses }), page, per_page: perPage } };
    const { data: answer, ...last } = await core.call
      .request('get', '/api/v2/experiments', { params }, options, listExperimentsV2Operation)
      .withResponse();
    experiments.push(...answer.experiments.slice(skip));
    skip = 0;
    if (!answer.has_next || (limit !== undefined && experiments.length >= limit))
      return { data: limit === undefined ? experiments : experiments.slice(0, limit), ...last };
    page += 1;
  }
}

/** One run in detail; `NotFoundError` when there is none. */
export function getExperiment(core: RunicornCore, runId: string, options?: RequestOptions): APIPromise<Run> {
  return APIPromise.try(() => {
    checkText('run_id', runId);
    return core.call.request('get', '/api/runs/{run_id}', { params: { path: { run_id: runId } } }, options, getRunDetailOperation);
  });
}

/** The project names (plain strings, as the viewer answers). */
export function listProjects(core: RunicornCore, options?: RequestOptions): APIPromise<string[]> {
  return core.call.request('get', '/api/projects', {}, options, listProjectsOperation).map((answer) => answer.projects);
}

/** A run's metrics as curves: `{ metrics: { loss: [{ step, value, timestamp }] } }`, read from the viewer's rows. */
export function getMetrics(
  core: RunicornCore,
  runId: string,
  selection: GetMetricsOptions = {},
  options?: RequestOptions,
): APIPromise<Metrics> {
  return APIPromise.try(() => {
    const { metric_names: names, limit, downsample } = selection ?? {};
    checkCount('limit', limit, 1);
    if (names !== undefined && (!Array.isArray(names) || names.some((name) => typeof name !== 'string' || name === ''))) {
      throw new InvalidRequestError('metric_names', 'must be an array of non-empty strings');
    }
    return metricRows(core, runId, downsample, options).map((table) =>
      metricsFromRows(runId, table, { ...(names ? { names } : {}), ...(limit === undefined ? {} : { limit }) }),
    );
  });
}

/** The viewer's metric table of a run as it serves it: `{ columns, rows, total, sampled }`. */
export function metricRows(core: RunicornCore, runId: string, downsample?: number, options?: RequestOptions): APIPromise<MetricRows> {
  return APIPromise.try(() => {
    checkText('run_id', runId);
    const query = downsample === undefined ? {} : { downsample };
    const init = { params: { path: { run_id: runId }, query } };
    return core.call.request('get', '/api/runs/{run_id}/metrics', init, options, getMetricsOperation);
  });
}

/** The viewer's configuration. */
export function getConfig(core: RunicornCore, options?: RequestOptions): APIPromise<ViewerConfig> {
  return core.call.request('get', '/api/config', {}, options, getConfigOperation);
}

/**
 * Change the configuration and return it. The viewer lets only `user_root_dir` change over HTTP
 * (`POST /api/config/user_root_dir`); any other key is refused before sending. `.withResponse()`
 * gives the response of the `GET /api/config` that reads it back.
 */
export function updateConfig(core: RunicornCore, config: { user_root_dir: string }, options?: RequestOptions): APIPromise<ViewerConfig> {
  return APIPromise.from(async () => {
    const unknown = Object.keys(config ?? {}).find((key) => key !== 'user_root_dir');
    if (unknown !== undefined) {
      throw new InvalidRequestError(`config.${unknown}`, 'the Runicorn viewer can change only user_root_dir over HTTP');
    }
    checkText('config.user_root_dir', config?.user_root_dir);
    const body = { path: config.user_root_dir };
    await core.call.request('post', '/api/config/user_root_dir', { body }, options, setUserRootOperation);
    return getConfig(core, options).withResponse();
  });
}

/** GPU telemetry of the viewer host (`{ available: false, reason }` without nvidia-smi). */
export function getGpuInfo(core: RunicornCore, options?: RequestOptions): APIPromise<GpuTelemetry> {
  return core.call.request('get', '/api/gpu/telemetry', {}, options, gpuTelemetryOperation);
}
