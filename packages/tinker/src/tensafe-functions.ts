// `@trainwire/tinker/tensafe-functions`: one function per single-request call of TenSafe over a
// small client core, so a bundle carries only the functions it imports
// (`import { createTenSafeCore, listTrainingClients }`). Training clients, followed futures and
// artifact downloads are on the TenSafe `ServiceClient` only.

export { createTenSafeCore } from './tensafe/tensafe-core.js';
export {
  type AuditLogsParams,
  cancelFuture,
  deleteTrainingClient,
  getAuditLogs,
  getFutureResult,
  getFutureStatus,
  getTrainingClientInfo,
  listTrainingClients,
  type TenSafeCore,
} from './tensafe/tensafe-functions.js';
export type { TenSafeClientOptions, TenSafeConfig } from './tensafe/tensafe-settings.js';
