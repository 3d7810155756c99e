// `@trainwire/tinker/functions`: one function per REST call of Tinker over a small client core, so a
// bundle carries only the functions it imports (`import { createTinkerCore, getTrainingRun }`).
// Training, sampling and futures (protobuf, sessions, long polls) are on `ServiceClient` only.
export { ConfigError, Future, InvalidRequestError, type PageOptions, type RequestOptions } from '@trainwire/core';
export { createTinkerCore } from './tinker/tinker-core.js';
export {
  type AccessScope,
  type AuditLogEntry,
  type AuditLogResponse,
  assignSessionProject,
  type Checkpoint,
  type CheckpointArchiveUrlResponse,
  type CheckpointsListResponse,
  type Cursor,
  deleteCheckpoint,
  deleteCheckpointFromTinkerPath,
  type GetSamplerResponse,
  type GetServerCapabilitiesResponse,
  type GetSessionResponse,
  getAuditLog,
  getCheckpointArchiveUrl,
  getCheckpointArchiveUrlFromTinkerPath,
  getSampler,
  getServerCapabilities,
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
} from './tinker/tinker-functions.js';
export type { TinkerListFuture } from './tinker/tinker-list-future.js';
export type { TinkerCoreOptions } from './tinker/tinker-settings.js';
