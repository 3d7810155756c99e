import {
  APIError,
  type APIPromise,
  Future,
  InvalidRequestError,
  type PageOptions,
  type PagePromise,
  type RequestOptions,
  type RetryWait,
  TrainwireError,
  type Transport,
  withPagination,
} from '@trainwire/core';
import {
  assignSessionProjectOperation,
  type components,
  deleteCheckpointOperation,
  getAuditLogOperation,
  getCheckpointArchiveUrlOperation,
  getSamplerOperation,
  getServerCapabilitiesOperation,
  getSessionOperation,
  getTrainingRunOperation,
  getWeightsInfoOperation,
  listCheckpointsOperation,
  listSessionsOperation,
  listTrainingRunsOperation,
  listUserCheckpointsOperation,
  type paths,
  publishCheckpointOperation,
  setCheckpointTtlOperation,
  unpublishCheckpointOperation,
} from '../generated/tinker.js';
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
export type GetServerCapabilitiesResponse = Schemas['GetServerCapabilitiesResponse'];
export type Cursor = Schemas['Cursor'];
/** `owned` (the default): only yours; `accessible`: also what others shared with you. */
export type AccessScope = 'owned' | 'accessible';

/**
 * What the standalone functions call through: one Tinker transport whose table holds no
 * operations (each function brings its own), so a bundle carries only the functions it imports.
 */
export interface TinkerCore {
  /** @internal */
  readonly transport: Transport<paths>;
  /** @internal Retries of a call unless its options say otherwise. */
  readonly maxRetries: number;
  /** The base URL requests go to. */
  readonly baseURL: string;
}

const CHECKPOINT = '/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}';
/** A signed URL without an `Expires` header is good for 15 minutes (as the SDK assumes). */
const DEFAULT_URL_LIFETIME = 15 * 60_000;
/** The archive is built on demand: 6 attempts in all, like the SDK. */
const ARCHIVE_RETRIES = 5;

/** A training run (model) and its metadata. */
export function getTrainingRun(
  core: TinkerCore,
  trainingRunId: string,
  params: { access_scope?: AccessScope } = {},
  options?: RequestOptions,
): Future<TrainingRun> {
  return settled(`getTrainingRun ${describeValue(trainingRunId)}`, () =>
    trainingRun(core, trainingRunId, params?.access_scope ?? 'owned', options),
  );
}

/** The training run a tinker path (`tinker://<run>/weights/<name>`) belongs to. */
export function getTrainingRunByTinkerPath(
  core: TinkerCore,
  tinkerPath: string,
  params: { access_scope?: AccessScope } = {},
  options?: RequestOptions,
): Future<TrainingRun> {
  return settled(`getTrainingRunByTinkerPath ${describeValue(tinkerPath)}`, () =>
    trainingRun(core, parseTinkerPath(tinkerPath).training_run_id, params?.access_scope ?? 'owned', options),
  );
}

/** What a checkpoint holds (base model, LoRA rank and targets), from its tinker path. */
export function getWeightsInfoByTinkerPath(core: TinkerCore, tinkerPath: string, options?: RequestOptions): Future<WeightsInfoResponse> {
  return settled(`getWeightsInfoByTinkerPath ${describeValue(tinkerPath)}`, () => {
    parseTinkerPath(tinkerPath);
    return core.transport.request('post', '/api/v1/weights_info', { body: { tinker_path: tinkerPath } }, options, getWeightsInfoOperation);
  });
}

/** Training runs, newest first: `await` for `{ training_runs, cursor }`, `for await` for every run. */
export function listTrainingRuns(
  core: TinkerCore,
  params: { limit?: number; offset?: number; access_scope?: AccessScope; project_id?: string } = {},
  options?: RequestOptions & PageOptions,
): TinkerListFuture<TrainingRunsResponse, TrainingRun> {
  const { limit = 20, offset = 0, access_scope = 'owned', project_id } = params ?? {};
  const query = { limit, offset, access_scope, ...(project_id === undefined ? {} : { project_id }) };
  const pages = withPagination(core.transport).paginate(
    'get',
    '/api/v1/training_runs',
    { params: { query } },
    options,
    listTrainingRunsOperation,
  );
  return new TinkerListFuture('listTrainingRuns', pages);
}

/** Every checkpoint (training and sampler) of one training run. */
export function listCheckpoints(
  core: TinkerCore,
  trainingRunId: string,
  options?: RequestOptions & PageOptions,
): TinkerListFuture<CheckpointsListResponse, Checkpoint> {
  const init = { params: { path: { training_run_id: trainingRunId } } };
  const path = '/api/v1/training_runs/{training_run_id}/checkpoints';
  const pages = withPagination(core.transport).paginate('get', path, init, options, listCheckpointsOperation);
  return new TinkerListFuture(`listCheckpoints ${describeValue(trainingRunId)}`, checkpointPages(pages));
}

/** Checkpoints of all your training runs, newest first, `limit` (default 100) per page. */
export function listUserCheckpoints(
  core: TinkerCore,
  params: { limit?: number; offset?: number } = {},
  options?: RequestOptions & PageOptions,
): TinkerListFuture<CheckpointsListResponse, Checkpoint> {
  const { limit = 100, offset = 0 } = params ?? {};
  const init = { params: { query: { limit, offset } } };
  const pages = withPagination(core.transport).paginate('get', '/api/v1/checkpoints', init, options, listUserCheckpointsOperation);
  return new TinkerListFuture('listUserCheckpoints', checkpointPages(pages));
}

/**
 * A signed URL to download a checkpoint archive, and when it expires. While the archive is being
 * built (503) the call waits as the server asks (`Retry-After`, at most 60 s) and asks again, up
 * to 6 attempts; each wait goes to the future's `onProgress` (a `RetryWait`), `options.onWait`
 * and the logger (`info`).
 */
export function getCheckpointArchiveUrl(
  core: TinkerCore,
  trainingRunId: string,
  checkpointId: string,
  options?: RequestOptions,
): Future<CheckpointArchiveUrlResponse> {
  return Future.run(`getCheckpointArchiveUrl ${describeValue(trainingRunId)}/${describeValue(checkpointId)}`, (progress) =>
    archiveUrl(core, trainingRunId, checkpointId, reportingWaits(options, progress)),
  );
}

/** {@link getCheckpointArchiveUrl} for a tinker path. */
export function getCheckpointArchiveUrlFromTinkerPath(
  core: TinkerCore,
  tinkerPath: string,
  options?: RequestOptions,
): Future<CheckpointArchiveUrlResponse> {
  return Future.run(`getCheckpointArchiveUrlFromTinkerPath ${describeValue(tinkerPath)}`, (progress) => {
    const parsed = parseTinkerPath(tinkerPath);
    return archiveUrl(core, parsed.training_run_id, parsed.checkpoint_id, reportingWaits(options, progress));
  });
}

/** Delete a checkpoint (`weights/<name>` or `sampler_weights/<name>`) of a training run. */
export function deleteCheckpoint(core: TinkerCore, trainingRunId: string, checkpointId: string, options?: RequestOptions): Future<void> {
  return settled(`deleteCheckpoint ${describeValue(trainingRunId)}/${describeValue(checkpointId)}`, () =>
    removeCheckpoint(core, trainingRunId, checkpointId, options),
  );
}

/** Delete the checkpoint a tinker path names. */
export function deleteCheckpointFromTinkerPath(core: TinkerCore, tinkerPath: string, options?: RequestOptions): Future<void> {
  return settled(`deleteCheckpointFromTinkerPath ${describeValue(tinkerPath)}`, () => {
    const parsed = parseTinkerPath(tinkerPath);
    return removeCheckpoint(core, parsed.training_run_id, parsed.checkpoint_id, options);
  });
}

/**
 * The audit log of your organization for one UTC day (default today); needs the tinker-admin
 * role. `event_type` `all` (default) and `checkpoints` are currently equivalent.
 */
export function getAuditLog(
  core: TinkerCore,
  params: { event_type?: 'all' | 'checkpoints'; day?: string | Date } = {},
  options?: RequestOptions,
): Future<AuditLogResponse> {
  const { event_type = 'all', day } = params ?? {};
  return settled('getAuditLog', () => {
    const query = { event_type, ...(day === undefined ? {} : { day: utcDay(day) }) };
    return core.transport.request('get', '/api/v1/audit', { params: { query } }, options, getAuditLogOperation);
  });
}

/** Make a checkpoint public; only the training run's owner can. A 409 means it already is. */
export function publishCheckpointFromTinkerPath(core: TinkerCore, tinkerPath: string, options?: RequestOptions): Future<void> {
  return settled(`publishCheckpointFromTinkerPath ${describeValue(tinkerPath)}`, () =>
    core.transport
      .request('post', `${CHECKPOINT}/publish`, { params: { path: checkpointPath(tinkerPath) } }, options, publishCheckpointOperation)
      .map(nothing),
  );
}

/** Make a public checkpoint private again. A 409 means it already is. */
export function unpublishCheckpointFromTinkerPath(core: TinkerCore, tinkerPath: string, options?: RequestOptions): Future<void> {
  return settled(`unpublishCheckpointFromTinkerPath ${describeValue(tinkerPath)}`, () =>
    core.transport
      .request('delete', `${CHECKPOINT}/publish`, { params: { path: checkpointPath(tinkerPath) } }, options, unpublishCheckpointOperation)
      .map(nothing),
  );
}

/** Expire a checkpoint `ttlSeconds` from now (a positive integer), or never again with `null`. */
export function setCheckpointTtlFromTinkerPath(
  core: TinkerCore,
  tinkerPath: string,
  ttlSeconds: number | null,
  options?: RequestOptions,
): Future<void> {
  return settled(`setCheckpointTtlFromTinkerPath ${describeValue(tinkerPath)}`, () => {
    const path = checkpointPath(tinkerPath);
    if (ttlSeconds !== null && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) {
      throw new InvalidRequestError('ttl_seconds', `must be a positive integer or null, got ${describeValue(ttlSeconds)}`);
    }
    const init = { params: { path }, body: { ttl_seconds: ttlSeconds } };
    return core.transport.request('put', `${CHECKPOINT}/ttl`, init, options, setCheckpointTtlOperation).map(nothing);
  });
}

/** A session's training run ids and sampler ids. */
export function getSession(
  core: TinkerCore,
  sessionId: string,
  params: { access_scope?: AccessScope } = {},
  options?: RequestOptions,
): Future<GetSessionResponse> {
  const { access_scope = 'owned' } = params ?? {};
  return settled(`getSession ${describeValue(sessionId)}`, () =>
    core.transport.request(
      'get',
      '/api/v1/sessions/{session_id}',
      { params: { path: { session_id: sessionId }, query: { access_scope } } },
      options,
      getSessionOperation,
    ),
  );
}

/** Session ids: `await` for `{ sessions }`, `for await` for every id. */
export function listSessions(
  core: TinkerCore,
  params: { limit?: number; offset?: number; access_scope?: AccessScope } = {},
  options?: RequestOptions & PageOptions,
): TinkerListFuture<ListSessionsResponse, string> {
  const { limit = 20, offset = 0, access_scope = 'owned' } = params ?? {};
  const init = { params: { query: { limit, offset, access_scope } } };
  return new TinkerListFuture(
    'listSessions',
    withPagination(core.transport).paginate('get', '/api/v1/sessions', init, options, listSessionsOperation),
  );
}

/** Move a session, with its training runs and samplers, into a project (it cannot be moved out). */
export function assignSessionProject(core: TinkerCore, sessionId: string, projectId: string, options?: RequestOptions): Future<void> {
  return settled(`assignSessionProject ${describeValue(sessionId)}`, () =>
    core.transport
      .request(
        'put',
        '/api/v1/sessions/{session_id}/project',
        { params: { path: { session_id: sessionId } }, body: { project_id: projectId } },
        options,
        assignSessionProjectOperation,
      )
      .map(nothing),
  );
}

/** A sampler (`<session_id>:sample:<n>`): its base model and model path. */
export function getSampler(core: TinkerCore, samplerId: string, options?: RequestOptions): Future<GetSamplerResponse> {
  return settled(`getSampler ${describeValue(samplerId)}`, () =>
    core.transport.request(
      'get',
      '/api/v1/samplers/{sampler_id}',
      { params: { path: { sampler_id: samplerId } } },
      options,
      getSamplerOperation,
    ),
  );
}

/** The base models this server can train and sample. */
export function getServerCapabilities(core: TinkerCore, options?: RequestOptions): APIPromise<GetServerCapabilitiesResponse> {
  return core.transport.request('get', '/api/v1/get_server_capabilities', {}, options, getServerCapabilitiesOperation);
}

function trainingRun(core: TinkerCore, trainingRunId: string, access_scope: AccessScope, options?: RequestOptions) {
  const init = { params: { path: { training_run_id: trainingRunId }, query: { access_scope } } };
  return core.transport.request('get', '/api/v1/training_runs/{training_run_id}', init, options, getTrainingRunOperation);
}

function removeCheckpoint(core: TinkerCore, trainingRunId: string, checkpointId: string, options?: RequestOptions) {
  const path = { training_run_id: trainingRunId, ...splitCheckpointId(checkpointId) };
  return core.transport.request('delete', CHECKPOINT, { params: { path } }, options, deleteCheckpointOperation).map(nothing);
}

async function archiveUrl(
  core: TinkerCore,
  trainingRunId: string,
  checkpointId: string,
  options?: RequestOptions,
): Promise<CheckpointArchiveUrlResponse> {
  const path = { training_run_id: trainingRunId, ...splitCheckpointId(checkpointId) };
  try {
    // The 302 carries the URL: it must be read, not followed.
    return await core.transport.request(
      'get',
      `${CHECKPOINT}/archive`,
      { params: { path }, redirect: 'manual' },
      { maxRetries: Math.max(core.maxRetries, ARCHIVE_RETRIES), ...options },
      getCheckpointArchiveUrlOperation,
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
      url: new URL(location, error.url ?? core.baseURL).href,
      expires: new Date(Number.isNaN(expires) ? Date.now() + DEFAULT_URL_LIFETIME : expires).toISOString(),
    };
  }
}

/** A write's answer, dropped: the Python SDK's futures of these resolve to None. */
const nothing = (): undefined => undefined;

/** `options` whose `onWait` also reports each wait as the future's progress. */
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
