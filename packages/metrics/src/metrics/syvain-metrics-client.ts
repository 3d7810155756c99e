import { type APIPromise, loadSchemaValidator, type PageOptions, type RequestOptions } from '@trainwire/core';
import { service } from '../generated/metrics-service.js';
import type { ComparisonMetricSeries } from './comparison-metric-series.js';
import { type IngestReport, MetricsIngestor, type MetricsIngestorOptions } from './metrics-ingestor.js';
import type { SpoolOpenOptions } from './metrics-spool.js';
import {
  type Annotation,
  type AuthStatus,
  authStatus,
  type CompareMetricsResponse,
  type CreatedIngestionKey,
  compareMetrics,
  createAnnotation,
  createExperiment,
  createFolder,
  createIngestionKey,
  type Experiment,
  type ExperimentStatus,
  type Folder,
  getExperiment,
  getFolder,
  type IngestionKey,
  type IngestResult,
  ingestEncoded,
  ingestMetrics,
  inspectMetricCatalogValues,
  listAnnotations,
  listExperiments,
  listFolders,
  listIngestionKeys,
  listMetricCatalog,
  listMetrics,
  type Metadata,
  type MetricCatalog,
  type MetricCatalogValues,
  type MetricEvent,
  type MetricPoint,
  moveExperiment,
  moveFolder,
  type Page,
  patchFolder,
  type Query,
  revokeIngestionKey,
  type Schemas,
  type SyvainMetricsClientOptions,
  type SyvainMetricsCore,
  syvainMetricsCore,
  updateExperimentStatus,
} from './syvain-metrics-functions.js';

export type {
  Annotation,
  AnnotationsPage,
  AuthStatus,
  CompareMetricsResponse,
  ComparisonRow,
  CreatedIngestionKey,
  Experiment,
  ExperimentStatus,
  ExperimentsPage,
  Folder,
  FoldersPage,
  IngestionKey,
  IngestResult,
  Metadata,
  MetadataValue,
  MetricCatalog,
  MetricCatalogEntry,
  MetricCatalogValues,
  MetricEvent,
  MetricPoint,
  MetricsPage,
  SyvainMetricsClientOptions,
} from './syvain-metrics-functions.js';

/**
 * Client of the Syvain Metrics REST API: folders, experiments, metrics, comparisons, ingestion keys
 * and annotations. Pass an org API key (`ak_org_…`), or `'local'` to use the Syvain CLI's sign-in.
 * Each call is the standalone function of the same name (`@trainwire/metrics/functions`) on this client's core.
 */
export class SyvainMetricsApiClient {
  readonly #options: SyvainMetricsClientOptions;
  readonly #core: SyvainMetricsCore;

  /** @param apiKey an org API key, or 'local'. @default the SYVAIN_METRICS_API_KEY environment variable */
  constructor(apiKey?: string, options: SyvainMetricsClientOptions = {}) {
    this.#options = options ?? {};
    this.#core = syvainMetricsCore(apiKey, this.#options, service, loadSchemaValidator);
  }

  // Folders

  /** Folders (optionally the children of `parent_id`); `await` for a page, `for await` for every folder. */
  listFolders(query: Query<'/api/v1/folders'> = {}, options?: RequestOptions & PageOptions): Page<'/api/v1/folders', Folder> {
    return listFolders(this.#core, query, options);
  }

  /** Create a folder, at the top level or under `parent_id`. */
  createFolder(
    name: string,
    fields: Omit<Schemas['CreateFolderRequest'], 'name'> = {},
    options?: RequestOptions,
  ): APIPromise<{ folder: Folder }> {
    return createFolder(this.#core, name, fields, options);
  }

  getFolder(folderId: string, options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return getFolder(this.#core, folderId, options);
  }

  /** Change any of a folder's name, description and metadata. */
  patchFolder(folderId: string, fields: Schemas['PatchFolderRequest'], options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return patchFolder(this.#core, folderId, fields, options);
  }

  renameFolder(folderId: string, name: string, options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return patchFolder(this.#core, folderId, { name }, options);
  }

  /** Move a folder under `parentId`, or to the top level with `null`. */
  moveFolder(folderId: string, parentId: string | null, options?: RequestOptions): APIPromise<{ folder: Folder }> {
    return moveFolder(this.#core, folderId, parentId, options);
  }

  // Experiments

  /** Experiments, newest first, filtered by `folder_id`, `status` or `search`. */
  listExperiments(
    query: Query<'/api/v1/experiments'> = {},
    options?: RequestOptions & PageOptions,
  ): Page<'/api/v1/experiments', Experiment> {
    return listExperiments(this.#core, query, options);
  }

  /** Create an experiment; the answer wraps it: `const { experiment } = await client.createExperiment(slug)`. */
  createExperiment(
    slug: string,
    fields: Omit<Schemas['CreateExperimentRequest'], 'slug'> = {},
    options?: RequestOptions,
  ): APIPromise<{ experiment: Experiment }> {
    return createExperiment(this.#core, slug, fields, options);
  }

  getExperiment(experimentId: string, options?: RequestOptions): APIPromise<{ experiment: Experiment }> {
    return getExperiment(this.#core, experimentId, options);
  }

  updateExperimentStatus(experimentId: string, status: ExperimentStatus, options?: RequestOptions): APIPromise<{ experiment: Experiment }> {
    return updateExperimentStatus(this.#core, experimentId, status, options);
  }

  /** Move an experiment into `folderId`, or out of every folder with `null`. */
  moveExperiment(experimentId: string, folderId: string | null, options?: RequestOptions): APIPromise<{ experiment: Experiment }> {
    return moveExperiment(this.#core, experimentId, folderId, options);
  }

  // Metrics

  /** Stored points of one experiment by name then step, optionally one metric or one metadata value. */
  listMetrics(
    experimentId: string,
    query: Query<'/api/v1/experiments/{experiment_id}/metrics'> = {},
    options?: RequestOptions & PageOptions,
  ): Page<'/api/v1/experiments/{experiment_id}/metrics', MetricPoint> {
    return listMetrics(this.#core, experimentId, query, options);
  }

  /** Points of several series side by side: `{ rows }`, by series then step, at most `limit` (default 500) per series. */
  compareMetrics(
    series: ComparisonMetricSeries[],
    params: { limit?: number } = {},
    options?: RequestOptions,
  ): APIPromise<CompareMetricsResponse> {
    return compareMetrics(this.#core, series, params, options);
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
    return ingestMetrics(this.#core, experimentId, metrics, params, options);
  }

  /** Every metric name of an experiment with its count, step range and metadata keys. */
  listMetricCatalog(experimentId: string, options?: RequestOptions): APIPromise<MetricCatalog> {
    return listMetricCatalog(this.#core, experimentId, options);
  }

  /** The distinct values of `metadataKey` among a metric's points, with their counts. */
  inspectMetricCatalogValues(
    experimentId: string,
    metricName: string,
    metadataKey: string,
    options?: RequestOptions,
  ): APIPromise<MetricCatalogValues> {
    return inspectMetricCatalogValues(this.#core, experimentId, metricName, metadataKey, options);
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
      ingestEncoded(this.#core, experimentId, body, sync, requestOptions);
    // What the ingestor reports goes through the client's logger (its level and redaction) once
    // there is a transport; before that (a 'local' auth file that failed), to the configured logger.
    const current = () =>
      this.#core.logger ?? (this.#options.logLevel === 'off' ? undefined : (this.#options.logger ?? globalThis.console));
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
    return listIngestionKeys(this.#core, experimentId, options);
  }

  /** Mint an ingestion key; `secret` is returned only here (and is redacted from errors and logs). */
  createIngestionKey(
    experimentId: string,
    params: { ttl_seconds?: number } = {},
    options?: RequestOptions,
  ): APIPromise<CreatedIngestionKey> {
    return createIngestionKey(this.#core, experimentId, params, options);
  }

  /** Revoke an ingestion key; if it is the one this client cached, it is forgotten too. */
  revokeIngestionKey(experimentId: string, keyId: string, options?: RequestOptions): APIPromise<void> {
    return revokeIngestionKey(this.#core, experimentId, keyId, options);
  }

  /** Drop the ingestion key cached for `experimentId` (the next ingest mints a new one); true when there was one. */
  forgetIngestionCredential(experimentId: string): boolean {
    return this.#core.keys.forget(experimentId);
  }

  // Annotations

  /** Annotations of an experiment, oldest first. */
  listAnnotations(
    experimentId: string,
    query: Query<'/api/v1/experiments/{experiment_id}/annotations'> = {},
    options?: RequestOptions & PageOptions,
  ): Page<'/api/v1/experiments/{experiment_id}/annotations', Annotation> {
    return listAnnotations(this.#core, experimentId, query, options);
  }

  /** Add an annotation with the experiment's ingestion key; a repeated `client_event_id` returns the first one. */
  createAnnotation(
    experimentId: string,
    text: string,
    fields: { step?: number | null; metadata?: Metadata; client_event_id?: string } = {},
    options?: RequestOptions,
  ): APIPromise<{ annotation: Annotation }> {
    return createAnnotation(this.#core, experimentId, text, fields, options);
  }

  // Authentication

  /** Who the API key belongs to, and its scopes. */
  authStatus(options?: RequestOptions): APIPromise<AuthStatus> {
    return authStatus(this.#core, options);
  }
}
