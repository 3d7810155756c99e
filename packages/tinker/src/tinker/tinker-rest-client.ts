import {
  APIError,
  Future,
  InvalidRequestError,
  type PagedTransport,
  type PageOptions,
  type PagePromise,
  type RequestOptions,
  type RetryWait,
  TrainwireError,
} from '@trainwire/core';
import type { components, paths } from '../generated/tinker.js';
import { describeValue, quoteValue } from './tinker-describe-value.js';
import { TinkerListFuture } from './tinker-list-future.js';
import { parseTinkerPath, splitCheckpointId } from './tinker-path.js';

type Schemas = components['schemas'];
export type TrainingRun = Schemas['TrainingRun'];
export type TrainingRunsResponse = Schemas['TrainingRunsResponse'];
export type Checkpoint = Schemas['Checkpoint'];
export type CheckpointsListResponse = Schemas['CheckpointsListResponse'];
export type CheckpointArchiveUrlResponse = Schemas['CheckpointArchiveUrlResponse'];
export type WeightsInfoResponse = Schemas['WeightsInfoResponse'];
export type AuditLogResponse = Schemas['AuditLogResponse'];
export type AuditLogEntry = Schemas['AuditLogEntry'];
export type GetSessionResponse = Schemas['GetSessionResponse'];
export type ListSessionsResponse = Schemas['ListSessionsResponse'];
export type GetSamplerResponse = Schemas['GetSamplerResponse'];
export type Cursor = Schemas['Cursor'];
/** `owned` (the default): only yours; `accessible`: also what others shared with you. */
export type AccessScope = 'owned' | 'accessible';

const CHECKPOINT = '/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}';
/** A signed URL without an `Expires` header is good for 15 minutes (as the SDK assumes). */
const DEFAULT_URL_LIFETIME = 15 * 60_000;
/** The archive is built on demand: 6 attempts in all, like the SDK. */
const ARCHIVE_RETRIES = 5;

/**
 * REST operations on training runs, checkpoints, sessions and samplers (`tinker.RestClient`). Get
 * one from `serviceClient.createRestClient()`. Every method returns a {@link Future}: `await` it
 * or call `.result()`; list methods can also be walked with `for await`.
 */
export class RestClient {
  readonly #transport: PagedTransport<paths>;
  readonly #maxRetries: number;

  /** @internal Built by `ServiceClient.createRestClient()`. */
  constructor(transport: PagedTransport<paths>, maxRetries = 2) {
    this.#transport = transport;
    this.#maxRetries = maxRetries;
  }

  /** A training run (model) and its metadata. */
  getTrainingRun(trainingRunId: string, params: { access_scope?: AccessScope } = {}, options?: RequestOptions): Future<TrainingRun> {
    const { access_scope = 'owned' } = params ?? {};
    return settled(`getTrainingRun ${describeValue(trainingRunId)}`, () => this.#getTrainingRun(trainingRunId, access_scope, options));
  }

  /** The training run a tinker path (`tinker://<run>/weights/<name>`) belongs to. */
  getTrainingRunByTinkerPath(
    tinkerPath: string,
    params: { access_scope?: AccessScope } = {},
    options?: RequestOptions,
  ): Future<TrainingRun> {
    return settled(`getTrainingRunByTinkerPath ${describeValue(tinkerPath)}`, () =>
      this.#getTrainingRun(parseTinkerPath(tinkerPath).training_run_id, params?.access_scope ?? 'owned', options),
    );
  }

  /** What a checkpoint holds (base model, LoRA rank and targets), from its tinker path. */
  getWeightsInfoByTinkerPath(tinkerPath: string, options?: RequestOptions): Future<WeightsInfoResponse> {
    return settled(`getWeightsInfoByTinkerPath ${describeValue(tinkerPath)}`, () => {
      parseTinkerPath(tinkerPath);
      return this.#transport.request('post', '/api/v1/weights_info', { body: { tinker_path: tinkerPath } }, options);
    });
  }

  /** Training runs, newest first: `await` for `{ training_runs, cursor }`, `for await` for every run. */
  listTrainingRuns(
    params: { limit?: number; offset?: number; access_scope?: AccessScope; project_id?: string } = {},
    options?: RequestOptions & PageOptions,
  ): TinkerListFuture<TrainingRunsResponse, TrainingRun> {
    const { limit = 20, offset = 0, access_scope = 'owned', project_id } = params ?? {};
    const query = { limit, offset, access_scope, ...(project_id === undefined ? {} : { project_id }) };
    return new TinkerListFuture(
      'listTrainingRuns',
      this.#transport.paginate('get', '/api/v1/training_runs', { params: { query } }, options),
    );
  }

  /** Every checkpoint (training and sampler) of one training run. */
  listCheckpoints(trainingRunId: string, options?: RequestOptions & PageOptions): TinkerListFuture<CheckpointsListResponse, Checkpoint> {
    const init = { params: { path: { training_run_id: trainingRunId } } };
    const pages = this.#transport.paginate('get', '/api/v1/training_runs/{training_run_id}/checkpoints', init, options);
    return new TinkerListFuture(`listCheckpoints ${describeValue(trainingRunId)}`, checkpointPages(pages));
  }

  /** Checkpoints of all your training runs, newest first, `limit` (default 100) per page. */
  listUserCheckpoints(
    params: { limit?: number; offset?: number } = {},
    options?: RequestOptions & PageOptions,
  ): TinkerListFuture<CheckpointsListResponse, Checkpoint> {
    const { limit = 100, offset = 0 } = params ?? {};
    const pages = this.#transport.paginate('get', '/api/v1/checkpoints', { params: { query: { limit, offset } } }, options);
    return new TinkerListFuture('listUserCheckpoints', checkpointPages(pages));
  }

  /**
   * A signed URL to download a checkpoint archive, and when it expires. While the archive is being
   * built (503) the call waits as the server asks (`Retry-After`, at most 60 s) and asks again, up
   * to 6 attempts; each wait goes to the future's `onProgress` (a `RetryWait`), `options.onWait`
   * and the logger (`info`).
   */
  getCheckpointArchiveUrl(trainingRunId: string, checkpointId: string, options?: RequestOptions): Future<CheckpointArchiveUrlResponse> {
    return Future.run(`getCheckpointArchiveUrl ${describeValue(trainingRunId)}/${describeValue(checkpointId)}`, (progress) =>
      this.#archiveUrl(trainingRunId, checkpointId, reportingWaits(options, progress)),
    );
  }

  /** {@link RestClient.getCheckpointArchiveUrl} for a tinker path. */
  getCheckpointArchiveUrlFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<CheckpointArchiveUrlResponse> {
    return Future.run(`getCheckpointArchiveUrlFromTinkerPath ${describeValue(tinkerPath)}`, (progress) => {
      const parsed = parseTinkerPath(tinkerPath);
      return this.#archiveUrl(parsed.training_run_id, parsed.checkpoint_id, reportingWaits(options, progress));
    });
  }

  /** Delete a checkpoint (`weights/<name>` or `sampler_weights/<name>`) of a training run. */
  deleteCheckpoint(trainingRunId: string, checkpointId: string, options?: RequestOptions): Future<void> {
    return settled(`deleteCheckpoint ${describeValue(trainingRunId)}/${describeValue(checkpointId)}`, () =>
      this.#deleteCheckpoint(trainingRunId, checkpointId, options),
    );
  }

  /** Delete the checkpoint a tinker path names. */
  deleteCheckpointFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<void> {
    return settled(`deleteCheckpointFromTinkerPath ${describeValue(tinkerPath)}`, () => {
      const parsed = parseTinkerPath(tinkerPath);
      return this.#deleteCheckpoint(parsed.training_run_id, parsed.checkpoint_id, options);
    });
  }

  /**
   * The audit log of your organization for one UTC day (default today); needs the tinker-admin
   * role. `event_type` `all` (default) and `checkpoints` are currently equivalent.
   */
  getAuditLog(
    params: { event_type?: 'all' | 'checkpoints'; day?: string | Date } = {},
    options?: RequestOptions,
  ): Future<AuditLogResponse> {
    const { event_type = 'all', day } = params ?? {};
    return settled('getAuditLog', () => {
      const query = { event_type, ...(day === undefined ? {} : { day: utcDay(day) }) };
      return this.#transport.request('get', '/api/v1/audit', { params: { query } }, options);
    });
  }

  /** Make a checkpoint public; only the training run's owner can. A 409 means it already is. */
  publishCheckpointFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<void> {
    return settled(`publishCheckpointFromTinkerPath ${describeValue(tinkerPath)}`, () =>
      this.#transport.request('post', `${CHECKPOINT}/publish`, { params: { path: checkpointPath(tinkerPath) } }, options).map(nothing),
    );
  }

  /** Make a public checkpoint private again. A 409 means it already is. */
  unpublishCheckpointFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<void> {
    return settled(`unpublishCheckpointFromTinkerPath ${describeValue(tinkerPath)}`, () =>
      this.#transport.request('delete', `${CHECKPOINT}/publish`, { params: { path: checkpointPath(tinkerPath) } }, options).map(nothing),
    );
  }

  /** Expire a checkpoint `ttlSeconds` from now (a positive integer), or never again with `null`. */
  setCheckpointTtlFromTinkerPath(tinkerPath: string, ttlSeconds: number | null, options?: RequestOptions): Future<void> {
    return settled(`setCheckpointTtlFromTinkerPath ${describeValue(tinkerPath)}`, () => {
      const path = checkpointPath(tinkerPath);
      if (ttlSeconds !== null && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) {
        throw new InvalidRequestError('ttl_seconds', `must be a positive integer or null, got ${describeValue(ttlSeconds)}`);
      }
      return this.#transport
        .request('put', `${CHECKPOINT}/ttl`, { params: { path }, body: { ttl_seconds: ttlSeconds } }, options)
        .map(nothing);
    });
  }

  /** A session's training run ids and sampler ids. */
  getSession(sessionId: string, params: { access_scope?: AccessScope } = {}, options?: RequestOptions): Future<GetSessionResponse> {
    const { access_scope = 'owned' } = params ?? {};
    return settled(`getSession ${describeValue(sessionId)}`, () =>
      this.#transport.request(
        'get',
        '/api/v1/sessions/{session_id}',
        { params: { path: { session_id: sessionId }, query: { access_scope } } },
        options,
      ),
    );
  }

  /** Session ids: `await` for `{ sessions }`, `for await` for every id. */
  listSessions(
    params: { limit?: number; offset?: number; access_scope?: AccessScope } = {},
    options?: RequestOptions & PageOptions,
  ): TinkerListFuture<ListSessionsResponse, string> {
    const { limit = 20, offset = 0, access_scope = 'owned' } = params ?? {};
    return new TinkerListFuture(
      'listSessions',
      this.#transport.paginate('get', '/api/v1/sessions', { params: { query: { limit, offset, access_scope } } }, options),
    );
  }

  /** Move a session, with its training runs and samplers, into a project (it cannot be moved out). */
  assignSessionProject(sessionId: string, projectId: string, options?: RequestOptions): Future<void> {
    return settled(`assignSessionProject ${describeValue(sessionId)}`, () =>
      this.#transport
        .request(
          'put',
          '/api/v1/sessions/{session_id}/project',
          { params: { path: { session_id: sessionId } }, body: { project_id: projectId } },
          options,
        )
        .map(nothing),
    );
  }

  /** A sampler (`<session_id>:sample:<n>`): its base model and model path. */
  getSampler(samplerId: string, options?: RequestOptions): Future<GetSamplerResponse> {
    return settled(`getSampler ${describeValue(samplerId)}`, () =>
      this.#transport.request('get', '/api/v1/samplers/{sampler_id}', { params: { path: { sampler_id: samplerId } } }, options),
    );
  }

  #getTrainingRun(trainingRunId: string, access_scope: AccessScope, options?: RequestOptions) {
    const init = { params: { path: { training_run_id: trainingRunId }, query: { access_scope } } };
    return this.#transport.request('get', '/api/v1/training_runs/{training_run_id}', init, options);
  }

  #deleteCheckpoint(trainingRunId: string, checkpointId: string, options?: RequestOptions) {
    const path = { training_run_id: trainingRunId, ...splitCheckpointId(checkpointId) };
    return this.#transport.request('delete', CHECKPOINT, { params: { path } }, options).map(nothing);
  }

  async #archiveUrl(trainingRunId: string, checkpointId: string, options?: RequestOptions): Promise<CheckpointArchiveUrlResponse> {
    const path = { training_run_id: trainingRunId, ...splitCheckpointId(checkpointId) };
    try {
      // The 302 carries the URL: it must be read, not followed.
      return await this.#transport.request(
        'get',
        `${CHECKPOINT}/archive`,
        { params: { path }, redirect: 'manual' },
        { maxRetries: Math.max(this.#maxRetries, ARCHIVE_RETRIES), ...options },
      );
    } catch (error) {
      if (error instanceof APIError && error.status === 0) {
        // fetch's opaque redirect: browsers do not let a script read a redirect's Location.
        throw new TrainwireError(
          'The archive URL came as a redirect, which this runtime does not let a script read; call getCheckpointArchiveUrl from Node, Bun or Deno.',
          { cause: error },
        );
      }
      const location = error instanceof APIError && error.status >= 300 && error.status < 400 ? error.headers.get('location') : null;
      if (!location || !(error instanceof APIError)) throw error;
      const expires = Date.parse(error.headers.get('expires') ?? '');
      return {
        url: new URL(location, error.url ?? this.#transport.baseURL).href,
        expires: new Date(Number.isNaN(expires) ? Date.now() + DEFAULT_URL_LIFETIME : expires).toISOString(),
      };
    }
  }
}

/** `options` whose `onWait` also reports each wait as the future's progress. */
/** A write's answer, dropped: the Python SDK's futures of these resolve to None. */
const nothing = (): undefined => undefined;

function reportingWaits(options: RequestOptions | undefined, progress: (wait: RetryWait) => void): RequestOptions {
  const onWait = options?.onWait;
  return {
    ...options,
    onWait: (wait) => {
      onWait?.(wait);
      progress(wait);
    },
  };
}

/** A future already under way: `work` starts now; a synchronous throw (bad input) rejects it. */
function settled<T>(id: string, work: () => PromiseLike<T>): Future<T> {
  let value: PromiseLike<T>;
  try {
    value = work();
  } catch (error) {
    value = Promise.reject(error);
  }
  return Future.resolve(id, value);
}

/**
 * Core's `PageItem` reads the optional `cursor` key as `undefined | never`, so the item type of a
 * checkpoints page comes out as `Checkpoint | undefined`; the items are the `checkpoints` array.
 */
function checkpointPages(
  pages: PagePromise<CheckpointsListResponse, Checkpoint | undefined>,
): PagePromise<CheckpointsListResponse, Checkpoint> {
  return pages as PagePromise<CheckpointsListResponse, Checkpoint>;
}

function checkpointPath(tinkerPath: string) {
  const parsed = parseTinkerPath(tinkerPath);
  return { training_run_id: parsed.training_run_id, checkpoint_kind: parsed.checkpoint_kind, checkpoint_name: parsed.checkpoint_name };
}

/** `YYYY-MM-DD` of a Date (its UTC day) or of a string already in that form. */
function utcDay(day: string | Date): string {
  if (day instanceof Date) {
    if (Number.isNaN(day.getTime())) throw new InvalidRequestError('day', 'is an invalid Date');
    return day.toISOString().slice(0, 10);
  }
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new InvalidRequestError('day', `must be a Date or a YYYY-MM-DD string, got ${quoteValue(day)}`);
  }
  return day;
}
