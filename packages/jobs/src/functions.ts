// `@trainwire/jobs/functions`: one function per operation over a small client core, so a bundle
// carries only the functions it imports (`import { createMiddlemanCore, getJob }`).

export { createMiddlemanCore } from './middleman-core.js';
export {
  type CreateApiKeyParams,
  cancelJob,
  createApiKey,
  createJob,
  createWebhook,
  deleteWebhook,
  getBalance,
  getDownloadUrl,
  getJob,
  getJobLogs,
  getPackages,
  getUploadUrl,
  getWebhook,
  getWebhookEvents,
  listApiKeys,
  listWebhooks,
  type MiddlemanCore,
  pauseJob,
  regenerateWebhookSecret,
  resumeJob,
  revokeApiKey,
  testWebhook,
  updateWebhook,
} from './middleman-functions.js';
export type { MiddlemanClientOptions } from './middleman-settings.js';
