// @trainwire/tinker/tensafe: the TenSafe (tg_tinker) client.
export { APIConnectionError as ConnectionError, RedirectError, ResponseTooLargeError } from '@trainwire/core';
export type { components as TenSafeComponents, paths as TenSafePaths } from './generated/tensafe.js';
export type { ArtifactFile, ArtifactInfo, ArtifactStream } from './tensafe/tensafe-artifact.js';
export {
  type AuditChainVerification,
  type AuditLogEntry,
  auditRecordHash,
  GENESIS_HASH,
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from './tensafe/tensafe-audit.js';
export { canonicalJson } from './tensafe/tensafe-canonical-json.js';
export {
  ServiceClient,
  ServiceClient as TenSafeClient,
  type TenSafeClientOptions,
  type TenSafeConfig,
} from './tensafe/tensafe-client.js';
export {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  AuthenticationError,
  BadRequestError,
  DPBudgetExceededError,
  FutureCancelledError,
  FutureFailedError,
  FutureNotFoundError,
  FuturePollingError,
  FutureTimeoutError,
  PermissionDeniedError,
  QueueFullError,
  RateLimitedError,
  ResourceNotFoundError,
  ServerError,
  TGTinkerError,
  TrainingClientNotFoundError,
  ValidationError,
} from './tensafe/tensafe-errors.js';
export type { TenSafeFuture } from './tensafe/tensafe-future.js';
export { type SampleParams, TrainingClient } from './tensafe/tensafe-training-client.js';
export type * from './tensafe/tensafe-types.js';
