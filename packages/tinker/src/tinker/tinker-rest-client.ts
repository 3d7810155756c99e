import type { Future, PagedTransport, PageOptions, RequestOptions } from '@trainwire/core';
import type { paths } from '../generated/tinker.js';
import {
  type AccessScope,
  type AuditLogResponse,
  assignSessionProject,
  type Checkpoint,
  type CheckpointArchiveUrlResponse,
  type CheckpointsListResponse,
  deleteCheckpoint,
  deleteCheckpointFromTinkerPath,
  type GetSamplerResponse,
  type GetSessionResponse,
  getAuditLog,
  getCheckpointArchiveUrl,
  getCheckpointArchiveUrlFromTinkerPath,
  getSampler,
  getSession,
  getTrainingRun,
  getTrainingRunByTinkerPath,
  getWeightsInfoByTinkerPath,
  type ListSessionsResponse,
  listCheckpoints,
  listSessions,
  listTrainingRuns,
  listUserCheckpoints,
  publishCheckpointFromTinkerPath,
  setCheckpointTtlFromTinkerPath,
  type TinkerCore,
  type TrainingRun,
  type TrainingRunsResponse,
  unpublishCheckpointFromTinkerPath,
  type WeightsInfoResponse,
} from './tinker-functions.js';
import type { TinkerListFuture } from './tinker-list-future.js';

export type {
  AccessScope,
  AuditLogEntry,
  AuditLogResponse,
  Checkpoint,
  CheckpointArchiveUrlResponse,
  CheckpointsListResponse,
  Cursor,
  GetSamplerResponse,
  GetSessionResponse,
  ListSessionsResponse,
  TrainingRun,
  TrainingRunsResponse,
  WeightsInfoResponse,
} from './tinker-functions.js';

/**
 * REST operations on training runs, checkpoints, sessions and samplers (`tinker.RestClient`). Get
 * one from `serviceClient.createRestClient()`. Every method returns a {@link Future}: `await` it
 * or call `.result()`; list methods can also be walked with `for await`. Each method calls the
 * standalone function of the same name (`@trainwire/tinker/functions`).
 */
export class RestClient {
  readonly #core: TinkerCore;

  /** @internal Built by `ServiceClient.createRestClient()`. */
  constructor(transport: PagedTransport<paths>, maxRetries = 2) {
    this.#core = { transport, maxRetries, baseURL: transport.baseURL };
  }

  /** A training run (model) and its metadata. */
  getTrainingRun(trainingRunId: string, params: { access_scope?: AccessScope } = {}, options?: RequestOptions): Future<TrainingRun> {
    return getTrainingRun(this.#core, trainingRunId, params, options);
  }

  /** The training run a tinker path (`tinker://<run>/weights/<name>`) belongs to. */
  getTrainingRunByTinkerPath(
    tinkerPath: string,
    params: { access_scope?: AccessScope } = {},
    options?: RequestOptions,
  ): Future<TrainingRun> {
    return getTrainingRunByTinkerPath(this.#core, tinkerPath, params, options);
  }

  /** What a checkpoint holds (base model, LoRA rank and targets), from its tinker path. */
  getWeightsInfoByTinkerPath(tinkerPath: string, options?: RequestOptions): Future<WeightsInfoResponse> {
    return getWeightsInfoByTinkerPath(this.#core, tinkerPath, options);
  }

  /** Training runs, newest first: `await` for `{ training_runs, cursor }`, `for await` for every run. */
  listTrainingRuns(
    params: { limit?: number; offset?: number; access_scope?: AccessScope; project_id?: string } = {},
    options?: RequestOptions & PageOptions,
  ): TinkerListFuture<TrainingRunsResponse, TrainingRun> {
    return listTrainingRuns(this.#core, params, options);
  }

  /** Every checkpoint (training and sampler) of one training run. */
  listCheckpoints(trainingRunId: string, options?: RequestOptions & PageOptions): TinkerListFuture<CheckpointsListResponse, Checkpoint> {
    return listCheckpoints(this.#core, trainingRunId, options);
  }

  /** Checkpoints of all your training runs, newest first, `limit` (default 100) per page. */
  listUserCheckpoints(
    params: { limit?: number; offset?: number } = {},
    options?: RequestOptions & PageOptions,
  ): TinkerListFuture<CheckpointsListResponse, Checkpoint> {
    return listUserCheckpoints(this.#core, params, options);
  }

  /**
   * A signed URL to download a checkpoint archive, and when it expires. While the archive is being
   * built (503) the call waits as the server asks (`Retry-After`, at most 60 s) and asks again, up
   * to 6 attempts; each wait goes to the future's `onProgress` (a `RetryWait`), `options.onWait`
   * and the logger (`info`).
   */
  getCheckpointArchiveUrl(trainingRunId: string, checkpointId: string, options?: RequestOptions): Future<CheckpointArchiveUrlResponse> {
    return getCheckpointArchiveUrl(this.#core, trainingRunId, checkpointId, options);
  }

  /** {@link RestClient.getCheckpointArchiveUrl} for a tinker path. */
  getCheckpointArchiveUrlFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<CheckpointArchiveUrlResponse> {
    return getCheckpointArchiveUrlFromTinkerPath(this.#core, tinkerPath, options);
  }

  /** Delete a checkpoint (`weights/<name>` or `sampler_weights/<name>`) of a training run. */
  deleteCheckpoint(trainingRunId: string, checkpointId: string, options?: RequestOptions): Future<void> {
    return deleteCheckpoint(this.#core, trainingRunId, checkpointId, options);
  }

  /** Delete the checkpoint a tinker path names. */
  deleteCheckpointFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<void> {
    return deleteCheckpointFromTinkerPath(this.#core, tinkerPath, options);
  }

  /**
   * The audit log of your organization for one UTC day (default today); needs the tinker-admin
   * role. `event_type` `all` (default) and `checkpoints` are currently equivalent.
   */
  getAuditLog(
    params: { event_type?: 'all' | 'checkpoints'; day?: string | Date } = {},
    options?: RequestOptions,
  ): Future<AuditLogResponse> {
    return getAuditLog(this.#core, params, options);
  }

  /** Make a checkpoint public; only the training run's owner can. A 409 means it already is. */
  publishCheckpointFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<void> {
    return publishCheckpointFromTinkerPath(this.#core, tinkerPath, options);
  }

  /** Make a public checkpoint private again. A 409 means it already is. */
  unpublishCheckpointFromTinkerPath(tinkerPath: string, options?: RequestOptions): Future<void> {
    return unpublishCheckpointFromTinkerPath(this.#core, tinkerPath, options);
  }

  /** Expire a checkpoint `ttlSeconds` from now (a positive integer), or never again with `null`. */
  setCheckpointTtlFromTinkerPath(tinkerPath: string, ttlSeconds: number | null, options?: RequestOptions): Future<void> {
    return setCheckpointTtlFromTinkerPath(this.#core, tinkerPath, ttlSeconds, options);
  }

  /** A session's training run ids and sampler ids. */
  getSession(sessionId: string, params: { access_scope?: AccessScope } = {}, options?: RequestOptions): Future<GetSessionResponse> {
    return getSession(this.#core, sessionId, params, options);
  }

  /** Session ids: `await` for `{ sessions }`, `for await` for every id. */
  listSessions(
    params: { limit?: number; offset?: number; access_scope?: AccessScope } = {},
    options?: RequestOptions & PageOptions,
  ): TinkerListFuture<ListSessionsResponse, string> {
    return listSessions(this.#core, params, options);
  }

  /** Move a session, with its training runs and samplers, into a project (it cannot be moved out). */
  assignSessionProject(sessionId: string, projectId: string, options?: RequestOptions): Future<void> {
    return assignSessionProject(this.#core, sessionId, projectId, options);
  }

  /** A sampler (`<session_id>:sample:<n>`): its base model and model path. */
  getSampler(samplerId: string, options?: RequestOptions): Future<GetSamplerResponse> {
    return getSampler(this.#core, samplerId, options);
  }
}
