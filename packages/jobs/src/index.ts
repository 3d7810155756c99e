export {
  type ApiKey,
  type ApiKeyScope,
  type CreateApiKeyParams,
  type CreditBalance,
  type CreditPackage,
  DEFAULT_BASE_URL,
  type DownloadUrl,
  type JobCancelResponse,
  type JobCreateRequest,
  type JobCreateResponse,
  type ListJobsParams,
  type LogEntry,
  MiddlemanClient,
  type MiddlemanClientOptions,
  type Transaction,
  type UploadUrl,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
} from './middleman-client.js';
export * from './middleman-errors.js';
export {
  FRAMEWORKS,
  type Framework,
  GPU_TYPES,
  type GpuType,
  JOB_STATUSES,
  type Job,
  type JobDetail,
  type JobStatus,
  TERMINAL_JOB_STATUSES,
} from './middleman-job.js';
export type { PollJobOptions } from './middleman-job-poller.js';
export { type TotalPage, TotalPagePromise } from './middleman-list.js';
export type { UploadFileOptions, UploadProgress, UploadSource } from './middleman-upload.js';
export { API_KEY_SCOPES, LIMITS } from './middleman-validation.js';
