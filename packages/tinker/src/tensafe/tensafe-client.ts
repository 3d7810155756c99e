import {
  APIPromise,
  type ClientOptions,
  ConfigError,
  createTransport,
  Future,
  InvalidRequestError,
  loadSchemaValidator,
  normalizeBaseURL,
  type PageOptions,
  PagePromise,
  type RequestOptions,
  ResponseValidationError,
  readEnv,
  resolveNumberSetting,
  resolveSetting,
  type Transport,
} from '@trainwire/core';
import { nodeStreamFetch } from '@trainwire/core/node-stream';
import { type paths, service } from '../generated/tensafe.js';
import { sha256Hex } from './sha256.js';
import { type ArtifactFile, type ArtifactStream, artifactInfo, checkedArtifactStream, readAll } from './tensafe-artifact.js';
import { loadArtifactWriter } from './tensafe-artifact-file.js';
import type { AuditLogEntry } from './tensafe-audit.js';
import { auditLogPages } from './tensafe-audit-window.js';
import { tenSafeErrorClasses } from './tensafe-errors.js';
import { type FutureCalls, TENSAFE_FUTURE_KIND, type TenSafeFuture, tenSafeFuture } from './tensafe-future.js';
import { TrainingClient } from './tensafe-training-client.js';
import type { FutureResponse, FutureResult, TrainingClientInfo, TrainingClientListStatus, TrainingConfig } from './tensafe-types.js';

const SERVICE = 'TenSafe';

/** Options of the TenSafe {@link ServiceClient} (`tg_tinker.ServiceClient`). */
export interface TenSafeClientOptions extends ClientOptions {
  /** API key, sent as `Authorization: Bearer <key>`. @default the TS_API_KEY environment variable */
  apiKey?: string | undefined;
  /** @default the TS_BASE_URL environment variable, else https://api.tensafe.dev (self-hosted: `http://host:8000/api`) */
  baseURL?: string | undefined;
  /** Tenant id. @default TS_TENANT_ID, else derived from the key as the server does (`tenant-` + 8 hex of its sha256) */
  tenantId?: string | undefined;
  /** Per-attempt timeout in milliseconds. @default TS_TIMEOUT (seconds) × 1000, else 300000 */
  timeout?: number | undefined;
  /** Retries of a failed request (0..10). @default TS_RETRY_COUNT, else 3 */
  retryCount?: number | undefined;
  /** First delay between future polls in milliseconds (then backing off ×1.5 up to 10 s). @default TS_POLL_INTERVAL (seconds) × 1000, else 1000 */
  pollInterval?: number | undefined;
}

/** The resolved settings of a {@link ServiceClient} (`tg_tinker.TenSafeConfig`); never the key. */
export interface TenSafeConfig {
  readonly baseURL: string;
  readonly tenantId: string;
  readonly timeout: number;
  readonly retryCount: number;
  readonly pollInterval: number;
}

/** How the documented `list_training_clients(status=...)` values map onto the server's statuses. */
const STATUS_GROUPS: Record<TrainingClientListStatus, readonly string[]> = {
  active: ['initializing', 'ready', 'busy'],
  completed: ['terminated'],
  failed: ['error'],
};

/**
 * The TenSafe client (`tg_tinker.ServiceClient`): creates training clients, follows futures,
 * downloads encrypted artifacts and reads the audit log. One instance is safe to share across
 * concurrent calls.
 */
export class ServiceClient {
  readonly #transport: Transport<paths>;
  readonly #futures: FutureCalls;
  /** The resolved settings (`tg_tinker` `config`). */
  readonly config: TenSafeConfig;

  constructor(options: TenSafeClientOptions = {}) {
    const apiKey = text(
      resolveSetting({ value: options.apiKey, option: 'apiKey', env: 'TS_API_KEY', service: SERVICE, secret: true }),
      'apiKey',
    );
    const baseURL = normalizeBaseURL(
      text(
        resolveSetting({ value: options.baseURL, option: 'baseURL', env: 'TS_BASE_URL', service: SERVICE, default: service.servers[0] }),
        'baseURL',
      ),
      { service: SERVICE, allowInsecureHTTP: options.allowInsecureHTTP },
    );
    const timeout = milliseconds(options.timeout, 'timeout', 'TS_TIMEOUT', 300);
    const retryCount = resolveNumberSetting({
      value: options.retryCount ?? options.maxRetries,
      option: 'retryCount',
      env: 'TS_RETRY_COUNT',
      service: SERVICE,
      default: 3,
    }) as number;
    if (!Number.isInteger(retryCount) || retryCount > 10)
      throw new ConfigError(`TenSafe retryCount must be an integer from 0 to 10, got ${retryCount}.`);
    const tenantId = text(options.tenantId ?? readEnv('TS_TENANT_ID') ?? `tenant-${sha256Hex(apiKey).slice(0, 8)}`, 'tenantId');
    this.config = Object.freeze({
      baseURL,
      tenantId,
      timeout,
      retryCount,
      pollInterval: milliseconds(options.pollInterval, 'pollInterval', 'TS_POLL_INTERVAL', 1),
    });
    this.#transport = createTransport<paths>({
      ...options,
      definition: service,
      validator: loadSchemaValidator,
      apiKey,
      baseURL,
      timeout,
      maxRetries: retryCount,
      errorClasses: tenSafeErrorClasses,
      userAgent: 'trainwire-tensafe/0.0.0',
    });
    const transport = this.#transport;
    const path = (futureId: string) => ({ params: { path: { future_id: checkId(futureId, 'futureId') } } });
    this.#futures = {
      logger: transport.logger,
      status: (futureId, options) => transport.request('get', '/v1/futures/{future_id}', path(futureId), options),
      result: (futureId, options) => transport.request('get', '/v1/futures/{future_id}/result', path(futureId), options),
      cancel: (futureId, options) => transport.request('post', '/v1/futures/{future_id}/cancel', path(futureId), options),
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
    return APIPromise.try(() => {
      // Only the documented keys go on the wire: an unknown key would be a query parameter the spec does not have.
      const { status, limit = 100 } = params ?? {};
      const query = { limit, ...(status === undefined ? {} : { status }) };
      return this.#transport.request('get', '/v1/training_clients', { params: { query } }, options).map((clients) => {
        const wanted = query.status === undefined ? undefined : STATUS_GROUPS[query.status];
        return clients.filter((client) => wanted === undefined || wanted.includes(client.status)).slice(0, query.limit);
      });
    });
  }

  /** Delete a training client (documented; the reference server has no such route and answers 404/405). */
  deleteTrainingClient(trainingClientId: string, options?: RequestOptions): APIPromise<void> {
    return APIPromise.try(() =>
      this.#transport
        .request(
          'delete',
          '/v1/training_clients/{training_client_id}',
          { params: { path: { training_client_id: checkId(trainingClientId, 'trainingClientId') } } },
          options,
        )
        .map(() => undefined),
    );
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
  getAuditLogs(
    params: {
      training_client_id?: string;
      operation?: string;
      start_time?: Date | string;
      end_time?: Date | string;
      limit?: number;
      offset?: number;
    } = {},
    options?: RequestOptions & PageOptions,
  ): PagePromise<AuditLogEntry[], AuditLogEntry> {
    const { training_client_id, operation, start_time, end_time, limit = 100, offset } = params ?? {};
    let query: Record<string, unknown>;
    try {
      // Only the documented keys go on the wire: an unknown key would be a query parameter the spec does not have.
      query = Object.fromEntries(
        Object.entries({
          training_client_id,
          operation,
          start_time: start_time === undefined ? undefined : timestamp(start_time, 'start_time'),
          end_time: end_time === undefined ? undefined : timestamp(end_time, 'end_time'),
          limit,
          offset,
        }).filter(([, value]) => value !== undefined),
      );
      if (query.start_time && query.end_time && Date.parse(query.start_time as string) > Date.parse(query.end_time as string)) {
        throw new InvalidRequestError('query.end_time', 'must not be before start_time');
      }
    } catch (error) {
      // Bad parameters reject the list (await and for await) rather than throwing at the call.
      return new PagePromise(() => Promise.reject(error), {}, { items: () => [], next: () => null });
    }
    return auditLogPages(this.#transport, query, options);
  }

  #getInfo(trainingClientId: string, options?: RequestOptions): APIPromise<TrainingClientInfo> {
    return APIPromise.try(() =>
      this.#transport.request(
        'get',
        '/v1/training_clients/{training_client_id}',
        { params: { path: { training_client_id: checkId(trainingClientId, 'trainingClientId') } } },
        options,
      ),
    );
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

/** A time given in the unit `tg_tinker` documents (seconds), as milliseconds. */
function milliseconds(value: number | undefined, option: string, env: string, defaultSeconds: number): number {
  if (value !== undefined) return resolveNumberSetting({ value, option, service: SERVICE }) as number;
  return (resolveNumberSetting({ value: undefined, option, env, service: SERVICE, default: defaultSeconds }) as number) * 1000;
}

/** A string setting, or a ConfigError: resolveSetting passes a non-string option through (a bigint baseURL would be a TypeError). */
function text(value: string, option: string): string {
  if (typeof value !== 'string') throw new ConfigError(`TenSafe ${option} must be a string, got ${typeof value}.`);
  return value;
}

function checkId(value: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidRequestError(field, 'must be a non-empty string');
  return value;
}

function timestamp(value: Date | string, field: string): string {
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new InvalidRequestError(`query.${field}`, 'must be a Date or an ISO-8601 date-time');
  return value instanceof Date ? value.toISOString() : value;
}

function parseFutureId(token: string): string {
  // Future.parseToken throws InvalidFutureTokenError for anything `serialize()` did not make, and
  // for a token of another kind of future (a Tinker one): a token never picks the operation.
  return Future.parseToken(token, { kind: TENSAFE_FUTURE_KIND }).id;
}
