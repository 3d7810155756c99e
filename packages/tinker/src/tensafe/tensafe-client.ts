import {
  APIPromise,
  createTransport,
  Future,
  InvalidRequestError,
  loadSchemaValidator,
  type PageOptions,
  type PagePromise,
  type RequestOptions,
  ResponseValidationError,
  type Transport,
} from '@trainwire/core';
import { nodeStreamFetch } from '@trainwire/core/node-stream';
import type { paths } from '../generated/tensafe.js';
import { service } from '../generated/tensafe-service.js';
import { type ArtifactFile, type ArtifactStream, artifactInfo, checkedArtifactStream, readAll } from './tensafe-artifact.js';
import { loadArtifactWriter } from './tensafe-artifact-file.js';
import type { AuditLogEntry } from './tensafe-audit.js';
import {
  type AuditLogsParams,
  cancelFuture,
  checkId,
  deleteTrainingClient,
  getAuditLogs,
  getFutureResult,
  getFutureStatus,
  getTrainingClientInfo,
  listTrainingClients,
  type TenSafeCore,
} from './tensafe-functions.js';
import { type FutureCalls, TENSAFE_FUTURE_KIND, type TenSafeFuture, tenSafeFuture } from './tensafe-future.js';
import { type TenSafeClientOptions, type TenSafeConfig, tenSafeSettings } from './tensafe-settings.js';
import { TrainingClient } from './tensafe-training-client.js';
import type { FutureResponse, FutureResult, TrainingClientInfo, TrainingClientListStatus, TrainingConfig } from './tensafe-types.js';

const SERVICE = 'TenSafe';

export type { TenSafeClientOptions, TenSafeConfig } from './tensafe-settings.js';

/**
 * The TenSafe client (`tg_tinker.ServiceClient`): creates training clients, follows futures,
 * downloads encrypted artifacts and reads the audit log. One instance is safe to share across
 * concurrent calls.
 */
export class ServiceClient {
  readonly #transport: Transport<paths>;
  readonly #core: TenSafeCore;
  readonly #futures: FutureCalls;
  /** The resolved settings (`tg_tinker` `config`). */
  readonly config: TenSafeConfig;

  constructor(options: TenSafeClientOptions = {}) {
    const settings = tenSafeSettings(options, service, loadSchemaValidator);
    this.config = settings.config;
    this.#transport = createTransport<paths>(settings.transport);
    const core: TenSafeCore = { transport: this.#transport, config: this.config };
    this.#core = core;
    this.#futures = {
      logger: this.#transport.logger,
      status: (futureId, options) => getFutureStatus(core, futureId, options),
      result: (futureId, options) => getFutureResult(core, futureId, options),
      cancel: (futureId, options) => cancelFuture(core, futureId, options),
    };
  }

  /** The tenant this client acts for (`tg_tinker` `tenant_id`). */
  get tenantId(): string {
    return this.config.tenantId;
  }

  /**
   * Create a training client; with `checkpointId` (an artifact id from `saveState`), restore its
   * weights before returning (`POST .../load_state`).
   */
  createTrainingClient(
    config: TrainingConfig,
    params: { checkpointId?: string } = {},
    options?: RequestOptions,
  ): APIPromise<TrainingClient> {
    return APIPromise.from(async () => {
      const checkpointId = params?.checkpointId;
      if (checkpointId !== undefined) checkId(checkpointId, 'checkpointId');
      const created = await this.#transport.request('post', '/v1/training_clients', { body: config }, options).withResponse();
      const client = this.#trainingClient(created.data);
      if (checkpointId === undefined) return { ...created, data: client };
      // A caller's idempotency key names the create; the restore is a write of its own.
      const key = options?.idempotencyKey === undefined ? undefined : `${options.idempotencyKey}:load_state`;
      const loaded = await client.loadState(checkpointId, { ...options, idempotencyKey: key }).withResponse();
      return { ...loaded, data: client };
    });
  }

  /** A handle on an existing training client, with its current info. */
  getTrainingClient(trainingClientId: string, options?: RequestOptions): APIPromise<TrainingClient> {
    return this.#getInfo(trainingClientId, options).map((info) => this.#trainingClient(info));
  }

  /**
   * The tenant's training clients, oldest first, at most `limit` (default 100). `status` is the
   * documented filter (`active`, `completed`, `failed`); it is sent and also applied here, since the
   * reference server ignores it.
   */
  listTrainingClients(
    params: { status?: TrainingClientListStatus; limit?: number } = {},
    options?: RequestOptions,
  ): APIPromise<TrainingClientInfo[]> {
    return listTrainingClients(this.#core, params, options);
  }

  /** Delete a training client (documented; the reference server has no such route and answers 404/405). */
  deleteTrainingClient(trainingClientId: string, options?: RequestOptions): APIPromise<void> {
    return deleteTrainingClient(this.#core, trainingClientId, options);
  }

  /**
   * A future by id (`get_future`), e.g. one saved from `future.submitted()` or another process.
   * Nothing is sent until it is awaited or polled (`isDone()`, `status()`).
   */
  getFuture<T = FutureResult>(futureId: string, options?: RequestOptions): TenSafeFuture<T> {
    const settings = { pollInterval: this.config.pollInterval, options };
    try {
      return tenSafeFuture<T>({ id: checkId(futureId, 'futureId') }, this.#futures, settings);
    } catch (error) {
      // A bad id rejects the future (await, status(), cancel()) rather than throwing at the call.
      return tenSafeFuture<T>({ submit: () => Promise.reject(error) }, this.#futures, settings);
    }
  }

  /** Pick up a future from `future.serialize()`. */
  resumeFuture<T = FutureResult>(token: string, options?: RequestOptions): TenSafeFuture<T> {
    try {
      return this.getFuture<T>(parseFutureId(token), options);
    } catch (error) {
      return tenSafeFuture<T>({ submit: () => Promise.reject(error) }, this.#futures, { pollInterval: this.config.pollInterval, options });
    }
  }

  /**
   * Download an artifact's ciphertext (`GET /v1/artifacts/{id}/content`, `pull_artifact`): without
   * a destination, the bytes, as documented; with `destination`, streamed through a temporary file
   * renamed on success (Node, Bun, Deno), with the encryption headers and the byte count; with
   * `stream: true`, a stream and the headers. The byte count is checked against `Content-Length`.
   */
  pullArtifact(artifactId: string, params?: { destination?: undefined; stream?: false }, options?: RequestOptions): APIPromise<Uint8Array>;
  pullArtifact(artifactId: string, params: { destination: string; stream?: false }, options?: RequestOptions): APIPromise<ArtifactFile>;
  pullArtifact(artifactId: string, params: { destination?: undefined; stream: true }, options?: RequestOptions): APIPromise<ArtifactStream>;
  pullArtifact(
    artifactId: string,
    params: { destination?: string | undefined; stream?: boolean } = {},
    options?: RequestOptions,
  ): APIPromise<Uint8Array | ArtifactFile | ArtifactStream> {
    return APIPromise.from(() => this.#pullArtifact(artifactId, params, options));
  }

  async #pullArtifact(
    artifactId: string,
    params: { destination?: string | undefined; stream?: boolean },
    options?: RequestOptions,
  ): Promise<{ data: Uint8Array | ArtifactFile | ArtifactStream; response: Response }> {
    checkId(artifactId, 'artifactId');
    const { destination, stream } = params ?? {};
    if (destination !== undefined && (typeof destination !== 'string' || destination === ''))
      throw new InvalidRequestError('destination', 'must be a non-empty path');
    if (destination !== undefined && stream) throw new InvalidRequestError('stream', 'cannot be combined with destination');
    const write = destination === undefined ? undefined : await loadArtifactWriter();
    const response = await this.#transport.requestRaw(
      'get',
      '/v1/artifacts/{artifact_id}/content',
      { params: { path: { artifact_id: artifactId } } },
      { ...options, headers: { Accept: 'application/octet-stream', ...options?.headers } },
      // On Node, through node:http (less memory, more MiB/s) unless the client has its own fetch or fetchOptions.
      { streamFetch: nodeStreamFetch() },
    );
    const type = response.headers.get('content-type') ?? '';
    if (!/^application\/octet-stream\s*(;|$)/i.test(type)) {
      // A proxy's sign-in page or a JSON error served with a 200 is not the ciphertext.
      response.body?.cancel().catch(() => undefined);
      throw new ResponseValidationError({
        status: response.status,
        path: '$',
        reason: `expected the ciphertext as application/octet-stream, got ${type ? `content-type ${type}` : 'no content-type'}`,
        headers: response.headers,
        operation: `${SERVICE} pullArtifact`,
      });
    }
    const info = artifactInfo(artifactId, response);
    const body = checkedArtifactStream(info, response.body ?? new Blob([]).stream(), options?.signal);
    if (write && destination !== undefined) return { data: { ...info, ...(await write(body, destination)) }, response };
    if (stream) return { data: { ...info, body }, response };
    return { data: await readAll(body), response };
  }

  /**
   * Audit log entries, oldest first, filtered by training client, operation and time
   * (`start_time`/`end_time` on `started_at`; a `Date` or an ISO string, sent and also applied here,
   * since the reference server ignores them). `await` it for the first page (`limit`, default 100,
   * entries from the server, those in the window kept), `for await` it for every entry.
   */
  getAuditLogs(params: AuditLogsParams = {}, options?: RequestOptions & PageOptions): PagePromise<AuditLogEntry[], AuditLogEntry> {
    return getAuditLogs(this.#core, params, options);
  }

  #getInfo(trainingClientId: string, options?: RequestOptions): APIPromise<TrainingClientInfo> {
    return getTrainingClientInfo(this.#core, trainingClientId, options);
  }

  #trainingClient(info: TrainingClientInfo): TrainingClient {
    return new TrainingClient(info, {
      transport: this.#transport,
      refresh: (id, options) => this.#getInfo(id, options),
      follow: <T>(submit: () => APIPromise<FutureResponse>, options?: RequestOptions) =>
        tenSafeFuture<T>({ submit }, this.#futures, { pollInterval: this.config.pollInterval, options }),
    });
  }
}

function parseFutureId(token: string): string {
  // Future.parseToken throws InvalidFutureTokenError for anything `serialize()` did not make, and
  // for a token of another kind of future (a Tinker one): a token never picks the operation.
  return Future.parseToken(token, { kind: TENSAFE_FUTURE_KIND }).id;
}
