import {
  APIPromise,
  AuthenticationError,
  type ClientOptions,
  ConfigError,
  createTransport,
  InvalidRequestError,
  idempotencyKey,
  type Logger,
  loadSchemaValidator,
  normalizeBaseURL,
  type PageOptions,
  PagePromise,
  paginationStrategy,
  type RequestOptions,
  readEnv,
  registerSecret,
  resolveSetting,
  type Transport,
} from '@trainwire/core';
import { type components, type paths, service } from '../generated/metrics.js';
import type { ComparisonMetricSeries } from './comparison-metric-series.js';
import { type IngestReport, MetricsIngestor, type MetricsIngestorOptions } from './metrics-ingestor.js';
import type { SpoolOpenOptions } from './metrics-spool.js';
import { type IngestionCredential, IngestionKeyCache } from './syvain-ingestion-keys.js';
import { readSyvainLocalAuth } from './syvain-local-auth.js';
import { asMetricsError } from './syvain-metrics-errors.js';

type Schemas = components['schemas'];
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
type Query<Path extends keyof paths> = paths[Path] extends { get: { parameters: { query?: infer Params } } } ? NonNullable<Params> : never;
type Page<Path extends keyof paths, Item> = PagePromise<Answer<Path, 'get'>, Item>;

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

const EXPERIMENT = '/api/v1/experiments/{experiment_id}' as const;

/**
 * Client of the Syvain Metrics REST API: folders, experiments, metrics, comparisons, ingestion keys
 * and annotations. Pass an org API key (`ak_org_…`), or `'local'` to use the Syvain CLI's sign-in.
 */
export class SyvainMetricsApiClient {
  readonly #options: SyvainMetricsClientOptions;
  readonly #local: boolean;
  readonly #apiKey: string;
  readonly #ingestTimeout: number;
  readonly #keys = new IngestionKeyCache();
  #transport: Promise<Transport<paths>> | undefined;
  /** The transport's logger (levels and redaction applied), once there is a transport. */
  #logger: Logger | undefined;

  /** @param apiKey an org API key, or 'local'. @default the SYVAIN_METRICS_API_KEY environment variable */
  constructor(apiKey?: string, options: SyvainMetricsClientOptions = {}) {
    this.#options = options ?? {};
    checkClientOptions(this.#options);
    this.#apiKey = resolveSetting({
      value: apiKey,
      option: 'apiKey',
      env: 'SYVAIN_METRICS_API_KEY',
      service: 'Syvain Metrics',
      secret: true,
    });
    this.#local = this.#apiKey === 'local';
    this.#ingestTimeout = this.#options.ingestTimeout ?? 60_000;
    // An explicit key is checked now, so a bad host fails at construction; 'local' reads its file on the first call.
    if (!this.#local) this.#transport = Promise.resolve(this.#build(this.#apiKey, undefined));
  }

  // Folders

  /** Folders (optionally the children of `parent_id`); `await` for a page, `for await` for every folder. */
  listFolders(query: Query<'/api/v1/folders'> = {}, options?: RequestOptions & PageOptions): Page<'/api/v1/folders', Folder> {
    return this.#paginate('/api/v1/folders', {}, query, options);
  }

  /** Create a folder, at the top level or under `parent_id`. */
  createFolder(
    name: string,
    fields: Omit<Schemas['CreateFolderRequest'], 'name'> = {},
    options?: RequestOptions,
  ): APIPromise<{ folder: Folder }> {
    return this.#call((transport) => transport.request('post', '/api/v1/folders', { body: { name, ...fields } }, options));
  }

  getFolder(folderId: string, options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return this.#call((transport) =>
      transport.request('get', '/api/v1/folders/{folder_id}', { params: { path: { folder_id: folderId } } }, options),
    );
  }

  /** Change any of a folder's name, description and metadata. */
  patchFolder(folderId: string, fields: Schemas['PatchFolderRequest'], options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return this.#call((transport) =>
      transport.request('patch', '/api/v1/folders/{folder_id}', { params: { path: { folder_id: folderId } }, body: fields }, options),
    );
  }

  renameFolder(folderId: string, name: string, options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return this.patchFolder(folderId, { name }, options);
  }

  /** Move a folder under `parentId`, or to the top level with `null`. */
  moveFolder(folderId: string, parentId: string | null, options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return this.#call((transport) =>
      transport.request(
        'post',
        '/api/v1/folders/{folder_id}/move',
        { params: { path: { folder_id: folderId } }, body: { parent_id: parentId } },
        options,
      ),
    );
  }

  // Experiments

  /** Experiments, newest first, filtered by `folder_id`, `status` or `search`. */
  listExperiments(
    query: Query<'/api/v1/experiments'> = {},
    options?: RequestOptions & PageOptions,
  ): Page<'/api/v1/experiments', Experiment> {
    return this.#paginate('/api/v1/experiments', {}, query, options);
  }

  /** Create an experiment; the answer wraps it: `const { experiment } = await client.createExperiment(slug)`. */
  createExperiment(
    slug: string,
    fields: Omit<Schemas['CreateExperimentRequest'], 'slug'> = {},
    options?: RequestOptions,
  ): APIPromise<{ experiment: Experiment }> {
    return this.#call((transport) => transport.request('post', '/api/v1/experiments', { body: { slug, ...fields } }, options));
  }

  getExperiment(experimentId: string, options?: RequestOptions): APIPromise<{ experiment: Experiment }> {
    return this.#call((transport) => transport.request('get', EXPERIMENT, { params: { path: { experiment_id: experimentId } } }, options));
  }

  updateExperimentStatus(experimentId: string, status: ExperimentStatus, options?: RequestOptions): APIPromise<{ experiment: Experiment }> {
    return this.#call((transport) =>
      transport.request(
        'patch',
        '/api/v1/experiments/{experiment_id}/status',
        { params: { path: { experiment_id: experimentId } }, body: { status } },
        options,
      ),
    );
  }

  /** Move an experiment into `folderId`, or out of every folder with `null`. */
  moveExperiment(experimentId: string, folderId: string | null, options?: RequestOptions): APIPromise<{ experiment: Experiment }> {
    return this.#call((transport) =>
      transport.request(
        'post',
        '/api/v1/experiments/{experiment_id}/move',
        { params: { path: { experiment_id: experimentId } }, body: { folder_id: folderId } },
        options,
      ),
    );
  }

  // Metrics

  /** Stored points of one experiment by name then step, optionally one metric or one metadata value. */
  listMetrics(
    experimentId: string,
    query: Query<'/api/v1/experiments/{experiment_id}/metrics'> = {},
    options?: RequestOptions & PageOptions,
  ): Page<'/api/v1/experiments/{experiment_id}/metrics', MetricPoint> {
    return this.#paginate('/api/v1/experiments/{experiment_id}/metrics', { experiment_id: experimentId }, query, options);
  }

  /** Points of several series side by side: `{ rows }`, by series then step, at most `limit` (default 500) per series. */
  compareMetrics(
    series: ComparisonMetricSeries[],
    params: { limit?: number } = {},
    options?: RequestOptions,
  ): APIPromise<CompareMetricsResponse> {
    return this.#call((transport) => transport.request('post', '/api/v1/metrics/compare', { body: { series, ...params } }, options));
  }

  /**
   * Record metric events with the experiment's ingestion key (minted and cached on first use). Each
   * event needs a stable `client_event_id`: the server stores an id once, so retrying is safe. With
   * `sync: true` the call returns once the events are stored (and uses `ingestTimeout`).
   */
  ingestMetrics(
    experimentId: string,
    metrics: MetricEvent[],
    params: { sync?: boolean } = {},
    options?: RequestOptions,
  ): APIPromise<IngestResult> {
    const unknown = unknownQueryKey('POST /api/v1/experiments/{experiment_id}/metrics/ingest', params);
    if (unknown !== undefined)
      return this.#call(() => {
        throw new InvalidRequestError(`params.${unknown}`, 'is not a parameter of ingestMetrics');
      });
    return this.#withIngestionKey(
      experimentId,
      (transport, callOptions) =>
        transport.request(
          'post',
          '/api/v1/experiments/{experiment_id}/metrics/ingest',
          { params: { path: { experiment_id: experimentId }, query: params }, body: { metrics } },
          callOptions,
        ),
      options,
    );
  }

  /** Every metric name of an experiment with its count, step range and metadata keys. */
  listMetricCatalog(experimentId: string, options?: RequestOptions): APIPromise<MetricCatalog> {
    return this.#call((transport) =>
      transport.request('get', `${EXPERIMENT}/metric-catalog`, { params: { path: { experiment_id: experimentId } } }, options),
    );
  }

  /** The distinct values of `metadataKey` among a metric's points, with their counts. */
  inspectMetricCatalogValues(
    experimentId: string,
    metricName: string,
    metadataKey: string,
    options?: RequestOptions,
  ): APIPromise<MetricCatalogValues> {
    return this.#call((transport) =>
      transport.request(
        'get',
        `${EXPERIMENT}/metric-catalog/{metric_name}/values`,
        { params: { path: { experiment_id: experimentId, metric_name: metricName }, query: { metadata_key: metadataKey } } },
        options,
      ),
    );
  }

  /**
   * A buffered writer for training loops: `log()` is synchronous and cheap, events are batched,
   * sent concurrently with stable ids, and `flush()` / `close()` report what the server accepted.
   * With `{ spool: true }` every batch is kept on disk until the server acknowledged it.
   */
  ingestor(experimentId: string, options: MetricsIngestorOptions = {}): MetricsIngestor {
    return this.#ingestor(experimentId, options);
  }

  /**
   * Send what earlier ingestors of `experimentId` left in the spool (`{ spool: true }`): batches
   * the server never acknowledged, each event once; resolves with the report (`recovered` events,
   * and what is still `inSpool` if the server could not take them). Node, Bun and Deno only; a
   * spool folder that is unsafe (a symlink, another user's, writable by others) is a `MetricsApiError`.
   */
  syncSpool(experimentId: string, options: SpoolOpenOptions = {}): Promise<IngestReport> {
    return this.#ingestor(experimentId, { spool: options, exitTimeout: 0 }, true).close();
  }

  #ingestor(experimentId: string, options: MetricsIngestorOptions, strict?: boolean): MetricsIngestor {
    const send = (body: Uint8Array, sync: boolean, requestOptions: RequestOptions) =>
      this.#withIngestionKey(
        experimentId,
        (transport, callOptions) =>
          transport.request(
            'post',
            '/api/v1/experiments/{experiment_id}/metrics/ingest',
            {
              params: { path: { experiment_id: experimentId }, query: { sync } },
              // Already-encoded JSON, checked event by event when it was logged.
              body: body as never,
              headers: { 'Content-Type': 'application/json' },
            },
            callOptions,
          ),
        requestOptions,
      );
    // What the ingestor reports goes through the client's logger (its level and redaction) once
    // there is a transport; before that (a 'local' auth file that failed), to the configured logger.
    const current = () => this.#logger ?? (this.#options.logLevel === 'off' ? undefined : (this.#options.logger ?? globalThis.console));
    const logger = { warn: (text: string) => current()?.warn(text), error: (text: string) => current()?.error(text) };
    return new MetricsIngestor(experimentId, options, send, {
      logger,
      strict,
      listPoints: (name) => this.listMetrics(experimentId, { name, limit: 10_000 }),
    });
  }

  // Ingestion keys

  /** The ingestion keys of an experiment (their secrets are never listed). */
  listIngestionKeys(experimentId: string, options?: RequestOptions): APIPromise<{ ingestion_keys: IngestionKey[] }> {
    return this.#call((transport) =>
      transport.request('get', `${EXPERIMENT}/ingestion-keys`, { params: { path: { experiment_id: experimentId } } }, options),
    );
  }

  /** Mint an ingestion key; `secret` is returned only here (and is redacted from errors and logs). */
  createIngestionKey(
    experimentId: string,
    params: { ttl_seconds?: number } = {},
    options?: RequestOptions,
  ): APIPromise<CreatedIngestionKey> {
    return this.#call((transport) =>
      transport.request(
        'post',
        `${EXPERIMENT}/ingestion-keys`,
        { params: { path: { experiment_id: experimentId } }, body: params },
        options,
      ),
    ).map((created) => {
      registerSecret(created.secret);
      return created;
    });
  }

  /** Revoke an ingestion key; if it is the one this client cached, it is forgotten too. */
  revokeIngestionKey(experimentId: string, keyId: string, options?: RequestOptions): APIPromise<void> {
    return this.#call((transport) =>
      transport.request(
        'delete',
        `${EXPERIMENT}/ingestion-keys/{key_id}`,
        { params: { path: { experiment_id: experimentId, key_id: keyId } } },
        options,
      ),
    ).map(() => {
      this.#keys.forgetKey(experimentId, keyId);
      return undefined;
    });
  }

  /** Drop the ingestion key cached for `experimentId` (the next ingest mints a new one); true when there was one. */
  forgetIngestionCredential(experimentId: string): boolean {
    return this.#keys.forget(experimentId);
  }

  // Annotations

  /** Annotations of an experiment, oldest first. */
  listAnnotations(
    experimentId: string,
    query: Query<'/api/v1/experiments/{experiment_id}/annotations'> = {},
    options?: RequestOptions & PageOptions,
  ): Page<'/api/v1/experiments/{experiment_id}/annotations', Annotation> {
    return this.#paginate('/api/v1/experiments/{experiment_id}/annotations', { experiment_id: experimentId }, query, options);
  }

  /** Add an annotation with the experiment's ingestion key; a repeated `client_event_id` returns the first one. */
  createAnnotation(
    experimentId: string,
    text: string,
    fields: { step?: number | null; metadata?: Metadata; client_event_id?: string } = {},
    options?: RequestOptions,
  ): APIPromise<{ annotation: Annotation }> {
    return this.#withIngestionKey(
      experimentId,
      (transport, callOptions) =>
        transport.request(
          'post',
          `${EXPERIMENT}/annotations`,
          { params: { path: { experiment_id: experimentId } }, body: { text, ...fields } },
          callOptions,
        ),
      options,
    );
  }

  // Authentication

  /** Who the API key belongs to, and its scopes. */
  authStatus(options?: RequestOptions): APIPromise<AuthStatus> {
    return this.#call((transport) => transport.request('get', '/api/v1/auth/status', {}, options));
  }

  #build(apiKey: string, fileHost: string | undefined): Transport<paths> {
    const { host, baseURL, ingestTimeout: _ingest, authFile: _file, ...options } = this.#options;
    const chosen = host ?? baseURL ?? readEnv('SYVAIN_METRICS_HOST') ?? fileHost ?? (service.servers[0] as string);
    const transport = createTransport<paths>({
      ...options,
      definition: service,
      validator: loadSchemaValidator,
      apiKey,
      timeout: options.timeout ?? 10_000,
      baseURL: normalizeBaseURL(chosen, { service: 'Syvain Metrics', allowInsecureHTTP: options.allowInsecureHTTP }),
      userAgent: 'trainwire-metrics/0.1.0',
    });
    this.#logger = transport.logger;
    return transport;
  }

  #ready(): Promise<Transport<paths>> {
    if (this.#transport) return this.#transport;
    const pending = readSyvainLocalAuth(this.#options.authFile).then((auth) => this.#build(auth.apiKey, auth.host));
    // A failed read is not cached: the next call reads the file again (after `chmod 600`, say).
    pending.catch(() => {
      if (this.#transport === pending) this.#transport = undefined;
    });
    this.#transport = pending;
    return pending;
  }

  #call<T>(run: (transport: Transport<paths>) => APIPromise<T>): APIPromise<T> {
    return APIPromise.after(() => this.#ready(), run, asMetricsError);
  }

  #paginate<Item>(
    path: keyof paths,
    pathParams: Record<string, string>,
    query: Record<string, unknown>,
    options: (RequestOptions & PageOptions) | undefined,
  ): PagePromise<never, Item> {
    const { maxItems, maxPages, ...requestOptions } = options ?? {};
    const definition = service.operations[`GET ${path}`]?.pagination;
    if (!definition) throw new TypeError(`GET ${path} is not a paginated operation of the Syvain Metrics spec.`);
    const unknown = unknownQueryKey(`GET ${path}`, query);
    const fetchPage = (pageQuery: Record<string, unknown>, signal?: AbortSignal) =>
      this.#call((transport) => {
        if (unknown !== undefined) throw new InvalidRequestError(`query.${unknown}`, `is not a parameter of GET ${path}`);
        return transport.request('get', path as never, { params: { path: pathParams, query: pageQuery } } as never, {
          ...requestOptions,
          signal: signal ?? requestOptions.signal,
        });
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
  #withIngestionKey<T>(
    experimentId: string,
    send: (transport: Transport<paths>, options: RequestOptions) => APIPromise<T>,
    options: RequestOptions = {},
  ): APIPromise<T> {
    return this.#call((transport) =>
      APIPromise.from(async () => {
        const callOptions = {
          ...options,
          timeout: options.timeout ?? this.#ingestTimeout,
          idempotencyKey: options.idempotencyKey ?? idempotencyKey(),
        };
        const attempt = async () => {
          const credential = await this.#keys.get(experimentId, () => this.#mint(transport, experimentId, options.signal));
          try {
            return await send(transport, {
              ...callOptions,
              headers: { ...callOptions.headers, Authorization: `Bearer ${credential.secret}` },
            }).withResponse();
          } catch (error) {
            if (error instanceof AuthenticationError) this.#keys.reject(experimentId, credential);
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

  async #mint(transport: Transport<paths>, experimentId: string, signal: AbortSignal | undefined): Promise<IngestionCredential> {
    const created = await transport.request(
      'post',
      `${EXPERIMENT}/ingestion-keys`,
      { params: { path: { experiment_id: experimentId } }, body: {} },
      { signal },
    );
    const expiresAt = created.ingestion_key.expires_at ? Date.parse(created.ingestion_key.expires_at) : undefined;
    return { keyId: created.ingestion_key.id, secret: created.secret, expiresAt };
  }
}

/**
 * The first key of `query` the operation does not declare (openapi-fetch would send it, and the
 * API would refuse or ignore it), or undefined.
 */
function unknownQueryKey(operation: string, query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const declared = service.operations[operation]?.params.query?.properties ?? {};
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
