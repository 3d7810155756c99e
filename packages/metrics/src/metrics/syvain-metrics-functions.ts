import {
  APIPromise,
  AuthenticationError,
  type ClientOptions,
  ConfigError,
  createTransport,
  InvalidRequestError,
  idempotencyKey,
  type Logger,
  normalizeBaseURL,
  type OperationDefinition,
  type PageOptions,
  PagePromise,
  paginationStrategy,
  type RequestOptions,
  readEnv,
  registerSecret,
  resolveSetting,
  type ServiceDefinition,
  type Transport,
  type TransportOptions,
} from '@trainwire/core';
import {
  authStatusOperation,
  compareMetricsOperation,
  type components,
  createAnnotationOperation,
  createExperimentOperation,
  createFolderOperation,
  createIngestionKeyOperation,
  getExperimentOperation,
  getFolderOperation,
  ingestMetricsOperation,
  inspectMetricCatalogValuesOperation,
  listAnnotationsOperation,
  listExperimentsOperation,
  listFoldersOperation,
  listIngestionKeysOperation,
  listMetricCatalogOperation,
  listMetricsOperation,
  moveExperimentOperation,
  moveFolderOperation,
  patchFolderOperation,
  type paths,
  revokeIngestionKeyOperation,
  serviceInfo,
  updateExperimentStatusOperation,
} from '../generated/metrics.js';
import type { ComparisonMetricSeries } from './comparison-metric-series.js';
import { type IngestionCredential, IngestionKeyCache } from './syvain-ingestion-keys.js';
import { readSyvainLocalAuth } from './syvain-local-auth.js';
import { asMetricsError } from './syvain-metrics-errors.js';

/** The spec's `components.schemas` types. */
export type Schemas = components['schemas'];
export type Folder = Schemas['Folder'];
export type Experiment = Schemas['Experiment'];
export type ExperimentStatus = Schemas['ExperimentStatus'];
export type Metadata = Schemas['Metadata'];
export type MetadataValue = Schemas['MetadataValue'];
export type MetricEvent = Schemas['MetricEvent'];
export type MetricPoint = Schemas['MetricPoint'];
export type IngestResult = Schemas['IngestResult'];
export type ComparisonRow = Schemas['ComparisonRow'];
export type MetricCatalogEntry = Schemas['MetricCatalogEntry'];
export type IngestionKey = Schemas['IngestionKey'];
export type Annotation = Schemas['Annotation'];
export type AuthStatus = Schemas['AuthStatus'];

type Json<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type Answer<Path extends keyof paths, Method extends string> =
  paths[Path] extends Record<Method, { responses: infer Responses }> ? Json<Responses[keyof Responses & (200 | 201 | 202)]> : never;
/** The query params of `GET Path`. */
export type Query<Path extends keyof paths> = paths[Path] extends { get: { parameters: { query?: infer Params } } }
  ? NonNullable<Params>
  : never;
/** The pages of `GET Path`. */
export type Page<Path extends keyof paths, Item> = PagePromise<Answer<Path, 'get'>, Item>;

export type FoldersPage = Answer<'/api/v1/folders', 'get'>;
export type ExperimentsPage = Answer<'/api/v1/experiments', 'get'>;
export type MetricsPage = Answer<'/api/v1/experiments/{experiment_id}/metrics', 'get'>;
export type AnnotationsPage = Answer<'/api/v1/experiments/{experiment_id}/annotations', 'get'>;
export type CompareMetricsResponse = Answer<'/api/v1/metrics/compare', 'post'>;
export type MetricCatalog = Answer<'/api/v1/experiments/{experiment_id}/metric-catalog', 'get'>;
export type MetricCatalogValues = Answer<'/api/v1/experiments/{experiment_id}/metric-catalog/{metric_name}/values', 'get'>;
export type CreatedIngestionKey = Answer<'/api/v1/experiments/{experiment_id}/ingestion-keys', 'post'>;

/** Options of {@link SyvainMetricsApiClient} (camelCase of the Python keyword arguments, plus core's). */
export interface SyvainMetricsClientOptions extends Omit<ClientOptions, 'apiKey' | 'timeout'> {
  /**
   * The API host (`host=` in Python; `baseURL` is accepted too).
   * @default the SYVAIN_METRICS_HOST environment variable, else the auth file's `base_url` for 'local', else 'https://metrics.syvain.com'
   */
  host?: string | undefined;
  /** Per-attempt timeout of ordinary API calls, in milliseconds. @default 10000 */
  timeout?: number | undefined;
  /** Per-attempt timeout of metric ingestion and annotation calls (which may wait with `sync: true`), in milliseconds. @default 60000 */
  ingestTimeout?: number | undefined;
  /** The auth file `'local'` reads. @default ~/.config/syvain-metrics/auth.json */
  authFile?: string | undefined;
}

/**
 * What the standalone functions call through (and `SyvainMetricsApiClient` holds): the transport,
 * made once the key is known (`'local'` reads the Syvain CLI's auth file on the first call), and
 * the ingestion keys minted for each experiment.
 */
export interface SyvainMetricsCore {
  /** @internal The transport; a failed read of the auth file is not kept (the next call reads it again). */
  ready(): Promise<Transport<paths>>;
  /** @internal The transport's logger (levels and redaction applied), once there is a transport. */
  readonly logger: Logger | undefined;
  /** @internal */
  readonly keys: IngestionKeyCache;
  /** @internal */
  readonly ingestTimeout: number;
}

/** @internal What `createSyvainMetricsCore` and `SyvainMetricsApiClient` build their core with. */
export function syvainMetricsCore(
  apiKey: string | undefined,
  given: SyvainMetricsClientOptions,
  definition: ServiceDefinition,
  validator: TransportOptions['validator'],
): SyvainMetricsCore {
  const options = given ?? {};
  checkClientOptions(options);
  const key = resolveSetting({ value: apiKey, option: 'apiKey', env: 'SYVAIN_METRICS_API_KEY', service: 'Syvain Metrics', secret: true });
  let logger: Logger | undefined;
  const build = (resolvedKey: string, fileHost: string | undefined): Transport<paths> => {
    const { host, baseURL, ingestTimeout: _ingest, authFile: _file, ...rest } = options;
    const chosen = host ?? baseURL ?? readEnv('SYVAIN_METRICS_HOST') ?? fileHost ?? (serviceInfo.servers[0] as string);
    const transport = createTransport<paths>({
      ...rest,
      definition,
      validator,
      apiKey: resolvedKey,
      timeout: rest.timeout ?? 10_000,
      baseURL: normalizeBaseURL(chosen, { service: 'Syvain Metrics', allowInsecureHTTP: rest.allowInsecureHTTP }),
      userAgent: 'trainwire-metrics/0.1.0',
    });
    logger = transport.logger;
    return transport;
  };
  // An explicit key is checked now, so a bad host fails at once; 'local' reads its file on the first call.
  let transport: Promise<Transport<paths>> | undefined = key === 'local' ? undefined : Promise.resolve(build(key, undefined));
  return {
    ready() {
      if (transport) return transport;
      const pending = readSyvainLocalAuth(options.authFile).then((auth) => build(auth.apiKey, auth.host));
      // A failed read is not cached: the next call reads the file again (after `chmod 600`, say).
      pending.catch(() => {
        if (transport === pending) transport = undefined;
      });
      transport = pending;
      return pending;
    },
    get logger() {
      return logger;
    },
    keys: new IngestionKeyCache(),
    ingestTimeout: options.ingestTimeout ?? 60_000,
  };
}

const EXPERIMENT = '/api/v1/experiments/{experiment_id}' as const;
const folderPath = (folderId: string) => ({ params: { path: { folder_id: folderId } } });
const experimentPath = (experimentId: string) => ({ params: { path: { experiment_id: experimentId } } });

// Folders

/** Folders (optionally the children of `parent_id`); `await` for a page, `for await` for every folder. */
export function listFolders(
  core: SyvainMetricsCore,
  query: Query<'/api/v1/folders'> = {},
  options?: RequestOptions & PageOptions,
): Page<'/api/v1/folders', Folder> {
  return paginate(core, '/api/v1/folders', listFoldersOperation, {}, query, options);
}

/** Create a folder, at the top level or under `parent_id`. */
export function createFolder(
  core: SyvainMetricsCore,
  name: string,
  fields: Omit<Schemas['CreateFolderRequest'], 'name'> = {},
  options?: RequestOptions,
): APIPromise<{ folder: Folder }> {
  return call(core, (transport) =>
    transport.request('post', '/api/v1/folders', { body: { name, ...fields } }, options, createFolderOperation),
  );
}

export function getFolder(core: SyvainMetricsCore, folderId: string, options?: RequestOptions): APIPromise<{ folder: Folder }> {
  return call(core, (transport) =>
    transport.request('get', '/api/v1/folders/{folder_id}', folderPath(folderId), options, getFolderOperation),
  );
}

/** Change any of a folder's name, description and metadata. */
export function patchFolder(
  core: SyvainMetricsCore,
  folderId: string,
  fields: Schemas['PatchFolderRequest'],
  options?: RequestOptions,
): APIPromise<{ folder: Folder }> {
  return call(core, (transport) =>
    transport.request('patch', '/api/v1/folders/{folder_id}', { ...folderPath(folderId), body: fields }, options, patchFolderOperation),
  );
}

/** Move a folder under `parentId`, or to the top level with `null`. */
export function moveFolder(
  core: SyvainMetricsCore,
  folderId: string,
  parentId: string | null,
  options?: RequestOptions,
): APIPromise<{ folder: Folder }> {
  return call(core, (transport) =>
    transport.request(
      'post',
      '/api/v1/folders/{folder_id}/move',
      { ...folderPath(folderId), body: { parent_id: parentId } },
      options,
      moveFolderOperation,
    ),
  );
}

// Experiments

/** Experiments, newest first, filtered by `folder_id`, `status` or `search`. */
export function listExperiments(
  core: SyvainMetricsCore,
  query: Query<'/api/v1/experiments'> = {},
  options?: RequestOptions & PageOptions,
): Page<'/api/v1/experiments', Experiment> {
  return paginate(core, '/api/v1/experiments', listExperimentsOperation, {}, query, options);
}

/** Create an experiment; the answer wraps it: `const { experiment } = await createExperiment(core, slug)`. */
export function createExperiment(
  core: SyvainMetricsCore,
  slug: string,
  fields: Omit<Schemas['CreateExperimentRequest'], 'slug'> = {},
  options?: RequestOptions,
): APIPromise<{ experiment: Experiment }> {
  return call(core, (transport) =>
    transport.request('post', '/api/v1/experiments', { body: { slug, ...fields } }, options, createExperimentOperation),
  );
}

export function getExperiment(
  core: SyvainMetricsCore,
  experimentId: string,
  options?: RequestOptions,
): APIPromise<{ experiment: Experiment }> {
  return call(core, (transport) => transport.request('get', EXPERIMENT, experimentPath(experimentId), options, getExperimentOperation));
}

export function updateExperimentStatus(
  core: SyvainMetricsCore,
  experimentId: string,
  status: ExperimentStatus,
  options?: RequestOptions,
): APIPromise<{ experiment: Experiment }> {
  return call(core, (transport) =>
    transport.request(
      'patch',
      `${EXPERIMENT}/status`,
      { ...experimentPath(experimentId), body: { status } },
      options,
      updateExperimentStatusOperation,
    ),
  );
}

/** Move an experiment into `folderId`, or out of every folder with `null`. */
export function moveExperiment(
  core: SyvainMetricsCore,
  experimentId: string,
  folderId: string | null,
  options?: RequestOptions,
): APIPromise<{ experiment: Experiment }> {
  return call(core, (transport) =>
    transport.request(
      'post',
      `${EXPERIMENT}/move`,
      { ...experimentPath(experimentId), body: { folder_id: folderId } },
      options,
      moveExperimentOperation,
    ),
  );
}

// Metrics

/** Stored points of one experiment by name then step, optionally one metric or one metadata value. */
export function listMetrics(
  core: SyvainMetricsCore,
  experimentId: string,
  query: Query<'/api/v1/experiments/{experiment_id}/metrics'> = {},
  options?: RequestOptions & PageOptions,
): Page<'/api/v1/experiments/{experiment_id}/metrics', MetricPoint> {
  return paginate(core, `${EXPERIMENT}/metrics`, listMetricsOperation, { experiment_id: experimentId }, query, options);
}

/** Points of several series side by side: `{ rows }`, by series then step, at most `limit` (default 500) per series. */
export function compareMetrics(
  core: SyvainMetricsCore,
  series: ComparisonMetricSeries[],
  params: { limit?: number } = {},
  options?: RequestOptions,
): APIPromise<CompareMetricsResponse> {
  return call(core, (transport) =>
    transport.request('post', '/api/v1/metrics/compare', { body: { series, ...params } }, options, compareMetricsOperation),
  );
}

/**
 * Record metric events with the experiment's ingestion key (minted and cached in the core on first
 * use). Each event needs a stable `client_event_id`: the server stores an id once, so retrying is
 * safe. With `sync: true` the call returns once the events are stored (and uses `ingestTimeout`).
 */
export function ingestMetrics(
  core: SyvainMetricsCore,
  experimentId: string,
  metrics: MetricEvent[],
  params: { sync?: boolean } = {},
  options?: RequestOptions,
): APIPromise<IngestResult> {
  const unknown = unknownQueryKey(ingestMetricsOperation, params);
  if (unknown !== undefined)
    return call(core, () => {
      throw new InvalidRequestError(`params.${unknown}`, 'is not a parameter of ingestMetrics');
    });
  return withIngestionKey(
    core,
    experimentId,
    (transport, callOptions) =>
      transport.request(
        'post',
        `${EXPERIMENT}/metrics/ingest`,
        { params: { path: { experiment_id: experimentId }, query: params }, body: { metrics } },
        callOptions,
        ingestMetricsOperation,
      ),
    options,
  );
}

/**
 * @internal Send already-encoded JSON events (the ingestor's batches, checked event by event when
 * they were logged) with the experiment's ingestion key.
 */
export function ingestEncoded(
  core: SyvainMetricsCore,
  experimentId: string,
  body: Uint8Array,
  sync: boolean,
  options: RequestOptions,
): APIPromise<IngestResult> {
  return withIngestionKey(
    core,
    experimentId,
    (transport, callOptions) =>
      transport.request(
        'post',
        `${EXPERIMENT}/metrics/ingest`,
        {
          params: { path: { experiment_id: experimentId }, query: { sync } },
          body: body as never,
          headers: { 'Content-Type': 'application/json' },
        },
        callOptions,
        ingestMetricsOperation,
      ),
    options,
  );
}

/** Every metric name of an experiment with its count, step range and metadata keys. */
export function listMetricCatalog(core: SyvainMetricsCore, experimentId: string, options?: RequestOptions): APIPromise<MetricCatalog> {
  return call(core, (transport) =>
    transport.request('get', `${EXPERIMENT}/metric-catalog`, experimentPath(experimentId), options, listMetricCatalogOperation),
  );
}

/** The distinct values of `metadataKey` among a metric's points, with their counts. */
export function inspectMetricCatalogValues(
  core: SyvainMetricsCore,
  experimentId: string,
  metricName: string,
  metadataKey: string,
  options?: RequestOptions,
): APIPromise<MetricCatalogValues> {
  return call(core, (transport) =>
    transport.request(
      'get',
      `${EXPERIMENT}/metric-catalog/{metric_name}/values`,
      { params: { path: { experiment_id: experimentId, metric_name: metricName }, query: { metadata_key: metadataKey } } },
      options,
      inspectMetricCatalogValuesOperation,
    ),
  );
}

// Ingestion keys

/** The ingestion keys of an experiment (their secrets are never listed). */
export function listIngestionKeys(
  core: SyvainMetricsCore,
  experimentId: string,
  options?: RequestOptions,
): APIPromise<{ ingestion_keys: IngestionKey[] }> {
  return call(core, (transport) =>
    transport.request('get', `${EXPERIMENT}/ingestion-keys`, experimentPath(experimentId), options, listIngestionKeysOperation),
  );
}

/** Mint an ingestion key; `secret` is returned only here (and is redacted from errors and logs). */
export function createIngestionKey(
  core: SyvainMetricsCore,
  experimentId: string,
  params: { ttl_seconds?: number } = {},
  options?: RequestOptions,
): APIPromise<CreatedIngestionKey> {
  return call(core, (transport) =>
    transport.request(
      'post',
      `${EXPERIMENT}/ingestion-keys`,
      { ...experimentPath(experimentId), body: params },
      options,
      createIngestionKeyOperation,
    ),
  ).map((created) => {
    registerSecret(created.secret);
    return created;
  });
}

/** Revoke an ingestion key; if it is the one the core cached, it is forgotten too. */
export function revokeIngestionKey(
  core: SyvainMetricsCore,
  experimentId: string,
  keyId: string,
  options?: RequestOptions,
): APIPromise<void> {
  return call(core, (transport) =>
    transport.request(
      'delete',
      `${EXPERIMENT}/ingestion-keys/{key_id}`,
      { params: { path: { experiment_id: experimentId, key_id: keyId } } },
      options,
      revokeIngestionKeyOperation,
    ),
  ).map(() => {
    core.keys.forgetKey(experimentId, keyId);
    return undefined;
  });
}

// Annotations

/** Annotations of an experiment, oldest first. */
export function listAnnotations(
  core: SyvainMetricsCore,
  experimentId: string,
  query: Query<'/api/v1/experiments/{experiment_id}/annotations'> = {},
  options?: RequestOptions & PageOptions,
): Page<'/api/v1/experiments/{experiment_id}/annotations', Annotation> {
  return paginate(core, `${EXPERIMENT}/annotations`, listAnnotationsOperation, { experiment_id: experimentId }, query, options);
}

/** Add an annotation with the experiment's ingestion key; a repeated `client_event_id` returns the first one. */
export function createAnnotation(
  core: SyvainMetricsCore,
  experimentId: string,
  text: string,
  fields: { step?: number | null; metadata?: Metadata; client_event_id?: string } = {},
  options?: RequestOptions,
): APIPromise<{ annotation: Annotation }> {
  return withIngestionKey(
    core,
    experimentId,
    (transport, callOptions) =>
      transport.request(
        'post',
        `${EXPERIMENT}/annotations`,
        { ...experimentPath(experimentId), body: { text, ...fields } },
        callOptions,
        createAnnotationOperation,
      ),
    options,
  );
}

// Authentication

/** Who the API key belongs to, and its scopes. */
export function authStatus(core: SyvainMetricsCore, options?: RequestOptions): APIPromise<AuthStatus> {
  return call(core, (transport) => transport.request('get', '/api/v1/auth/status', {}, options, authStatusOperation));
}

function call<T>(core: SyvainMetricsCore, run: (transport: Transport<paths>) => APIPromise<T>): APIPromise<T> {
  return APIPromise.after(() => core.ready(), run, asMetricsError);
}

function paginate<Item>(
  core: SyvainMetricsCore,
  path: keyof paths,
  operation: OperationDefinition,
  pathParams: Record<string, string>,
  query: Record<string, unknown>,
  options: (RequestOptions & PageOptions) | undefined,
): PagePromise<never, Item> {
  const { maxItems, maxPages, ...requestOptions } = options ?? {};
  const definition = operation.pagination;
  if (!definition) throw new TypeError(`GET ${path} is not a paginated operation of the Syvain Metrics spec.`);
  const unknown = unknownQueryKey(operation, query);
  const fetchPage = (pageQuery: Record<string, unknown>, signal?: AbortSignal) =>
    call(core, (transport) => {
      if (unknown !== undefined) throw new InvalidRequestError(`query.${unknown}`, `is not a parameter of GET ${path}`);
      const init = { params: { path: pathParams, query: pageQuery } } as never;
      return transport.request('get', path as never, init, { ...requestOptions, signal: signal ?? requestOptions.signal }, operation);
    });
  return new PagePromise(fetchPage, query, paginationStrategy(definition), {
    maxItems,
    maxPages,
    signal: requestOptions.signal,
  }) as never;
}

/**
 * Send with the experiment's ingestion key (minted with the API key on first use); when the server
 * refuses the key, mint a new one once and send again with the same idempotency key.
 */
function withIngestionKey<T>(
  core: SyvainMetricsCore,
  experimentId: string,
  send: (transport: Transport<paths>, options: RequestOptions) => APIPromise<T>,
  options: RequestOptions = {},
): APIPromise<T> {
  return call(core, (transport) =>
    APIPromise.from(async () => {
      const callOptions = {
        ...options,
        timeout: options.timeout ?? core.ingestTimeout,
        idempotencyKey: options.idempotencyKey ?? idempotencyKey(),
      };
      const attempt = async () => {
        const credential = await core.keys.get(experimentId, () => mint(transport, experimentId, options.signal));
        try {
          return await send(transport, {
            ...callOptions,
            headers: { ...callOptions.headers, Authorization: `Bearer ${credential.secret}` },
          }).withResponse();
        } catch (error) {
          if (error instanceof AuthenticationError) core.keys.reject(experimentId, credential);
          throw error;
        }
      };
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        return attempt();
      }
    }),
  );
}

async function mint(transport: Transport<paths>, experimentId: string, signal: AbortSignal | undefined): Promise<IngestionCredential> {
  const created = await transport.request(
    'post',
    `${EXPERIMENT}/ingestion-keys`,
    { ...experimentPath(experimentId), body: {} },
    { signal },
    createIngestionKeyOperation,
  );
  const expiresAt = created.ingestion_key.expires_at ? Date.parse(created.ingestion_key.expires_at) : undefined;
  return { keyId: created.ingestion_key.id, secret: created.secret, expiresAt };
}

/**
 * The first key of `query` the operation does not declare (openapi-fetch would send it, and the
 * API would refuse or ignore it), or undefined.
 */
function unknownQueryKey(operation: OperationDefinition, query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const declared = operation.params.query?.properties ?? {};
  return Object.keys(query).find((key) => !Object.hasOwn(declared, key));
}

/**
 * Refuse client options of the wrong kind at construction: the transport takes them as they are, so
 * a `timeout: {}` or `maxRetries: 'x'` would be used silently, and a bigint host quoted by core's
 * JSON.stringify would throw a TypeError.
 */
function checkClientOptions(options: SyvainMetricsClientOptions): void {
  for (const name of ['timeout', 'ingestTimeout'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && value > 0))
      throw new InvalidRequestError(name, 'must be a positive number of milliseconds');
  }
  if (options.maxRetries !== undefined && !(Number.isSafeInteger(options.maxRetries) && options.maxRetries >= 0))
    throw new InvalidRequestError('maxRetries', 'must be a whole number >= 0');
  for (const name of ['host', 'baseURL'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string')
      throw new ConfigError(`Syvain Metrics ${name} must be a string, got a value of type ${typeof value}.`);
  }
  if (options.headers !== undefined && (typeof options.headers !== 'object' || options.headers === null || Array.isArray(options.headers)))
    throw new InvalidRequestError('headers', 'must be an object of header names to strings');
}
