import { APIPromise, InvalidRequestError, type RequestOptions, registerSecret, type Transport } from '@trainwire/core';
import {
  cancelJobOperation,
  type components,
  createApiKeyOperation,
  createJobOperation,
  createWebhookOperation,
  deleteWebhookOperation,
  getBalanceOperation,
  getDownloadUrlOperation,
  getJobLogsOperation,
  getJobOperation,
  getPackagesOperation,
  getUploadUrlOperation,
  getWebhookEventsOperation,
  getWebhookOperation,
  listApiKeysOperation,
  listWebhooksOperation,
  type paths,
  pauseJobOperation,
  regenerateWebhookSecretOperation,
  resumeJobOperation,
  revokeApiKeyOperation,
  testWebhookOperation,
  updateWebhookOperation,
} from './generated/jobs.js';
import { type JobDetail, withTerminal } from './middleman-job.js';
import { paramsObject, validateApiKeyCreate, validateJobCreate } from './middleman-validation.js';

type Schemas = components['schemas'];

/**
 * What the standalone functions call through: one Middleman transport whose table holds no
 * operations (each function brings its own), so a bundle carries only the functions it imports.
 */
export interface MiddlemanCore {
  /** @internal */
  readonly transport: Transport<paths>;
  /** The base URL requests go to. */
  readonly baseURL: string;
}

const jobPath = (jobId: string) => ({ params: { path: { job_id: jobId } } });

/** One job with its progress and cost. */
export function getJob(core: MiddlemanCore, jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
  return core.transport.request('get', '/jobs/{job_id}', jobPath(jobId), options, getJobOperation).map(withTerminal);
}

/**
 * Create a training job; its estimated cost is reserved. An `Idempotency-Key` goes with it (the
 * same on every retry), so a retried create never starts two jobs.
 */
export function createJob(
  core: MiddlemanCore,
  params: Schemas['JobCreateRequest'],
  options?: RequestOptions,
): APIPromise<Schemas['JobCreateResponse']> {
  return APIPromise.try(() => {
    const body: Schemas['JobCreateRequest'] = {
      gpu_type: 't4',
      gpu_count: 1,
      framework: 'pytorch',
      checkpoint_frequency: 10,
      max_runtime_hours: 4,
      environment_variables: {},
      ...dropUndefined(paramsObject('params', params)),
    };
    validateJobCreate(body);
    for (const value of Object.values(body.environment_variables ?? {})) registerSecret(value);
    return core.transport.request('post', '/jobs', { body }, options, createJobOperation);
  });
}

/** Cancel a job that has not ended; the unused reserved credits are refunded. */
export function cancelJob(core: MiddlemanCore, jobId: string, options?: RequestOptions): APIPromise<Schemas['JobCancelResponse']> {
  return core.transport.request('post', '/jobs/{job_id}/cancel', jobPath(jobId), options, cancelJobOperation);
}

/** Pause a running job. */
export function pauseJob(core: MiddlemanCore, jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
  return core.transport.request('post', '/jobs/{job_id}/pause', jobPath(jobId), options, pauseJobOperation).map(withTerminal);
}

/** Resume a paused job (its status becomes `resuming`, then `running`). */
export function resumeJob(core: MiddlemanCore, jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
  return core.transport.request('post', '/jobs/{job_id}/resume', jobPath(jobId), options, resumeJobOperation).map(withTerminal);
}

/** The job's log lines, oldest first; `since` keeps only later ones. */
export function getJobLogs(
  core: MiddlemanCore,
  jobId: string,
  params: { since?: string | Date | undefined } = {},
  options?: RequestOptions,
): APIPromise<Schemas['LogEntry'][]> {
  return APIPromise.try(() => {
    const given = paramsObject('params', params);
    if (given.since instanceof Date && Number.isNaN(given.since.getTime())) throw new InvalidRequestError('since', 'must be a valid date');
    const since = given.since instanceof Date ? given.since.toISOString() : given.since;
    const query = since === undefined ? {} : { since };
    return core.transport.request(
      'get',
      '/jobs/{job_id}/logs',
      { params: { path: { job_id: jobId }, query } },
      options,
      getJobLogsOperation,
    );
  });
}

/** Credits: `balance`, `reserved` for running jobs, and `available` (the difference). */
export function getBalance(core: MiddlemanCore, options?: RequestOptions): APIPromise<Schemas['CreditBalance']> {
  return core.transport.request('get', '/billing/balance', {}, options, getBalanceOperation);
}

/** Credit packages for sale. */
export function getPackages(core: MiddlemanCore, options?: RequestOptions): APIPromise<Schemas['CreditPackage'][]> {
  return core.transport.request('get', '/billing/packages', {}, options, getPackagesOperation).map((answer) => answer.packages);
}

/** A presigned URL to PUT a file's bytes to. `MiddlemanClient.uploadFile` does this and the PUT for you. */
export function getUploadUrl(
  core: MiddlemanCore,
  params: { filename: string; content_type: string; size_bytes: number; job_id?: string | undefined },
  options?: RequestOptions,
): APIPromise<Schemas['UploadUrl']> {
  return APIPromise.try(() => {
    const { job_id: jobId, ...body } = paramsObject('params', params);
    const init = { params: { query: jobId ? { job_id: jobId } : {} }, body };
    return core.transport.request('post', '/data/upload-url', init, options, getUploadUrlOperation);
  });
}

/** A presigned URL to download a job's outputs, or one file of them (`path`). */
export function getDownloadUrl(
  core: MiddlemanCore,
  jobId: string,
  params: { path?: string | null | undefined } = {},
  options?: RequestOptions,
): APIPromise<Schemas['DownloadUrl']> {
  return APIPromise.try(() => {
    const path = paramsObject('params', params).path ?? null;
    return core.transport.request('post', '/data/download-url', { body: { job_id: jobId, path } }, options, getDownloadUrlOperation);
  });
}

/** The account's API keys (their prefixes only). */
export function listApiKeys(core: MiddlemanCore, options?: RequestOptions): APIPromise<Schemas['ApiKey'][]> {
  return core.transport.request('get', '/api-keys', {}, options, listApiKeysOperation);
}

/** Parameters of {@link createApiKey}. */
export interface CreateApiKeyParams {
  name: string;
  /** @default ['read', 'write'] */
  scopes?: Schemas['ApiKeyScope'][] | undefined;
  /** Days until the key expires, 1–365. @default never */
  expires_in_days?: number | null | undefined;
}

/** Create a key; returns `[keyInfo, fullKey]`. The full key is shown this once: store it. */
export function createApiKey(
  core: MiddlemanCore,
  params: CreateApiKeyParams,
  options?: RequestOptions,
): APIPromise<[Schemas['ApiKey'], string]> {
  return APIPromise.try(() => {
    const given = paramsObject('params', params);
    const body = { name: given.name, scopes: given.scopes ?? ['read', 'write'], expires_in_days: given.expires_in_days ?? null };
    validateApiKeyCreate(body);
    return core.transport
      .request('post', '/api-keys', { body }, options, createApiKeyOperation)
      .map(({ key, ...info }): [Schemas['ApiKey'], string] => {
        registerSecret(key);
        return [info, key];
      });
  });
}

/** Revoke an API key; requests made with it fail from now on. */
export function revokeApiKey(core: MiddlemanCore, keyId: string, options?: RequestOptions): APIPromise<{ revoked: boolean }> {
  return core.transport.request('delete', '/api-keys/{key_id}', { params: { path: { key_id: keyId } } }, options, revokeApiKeyOperation);
}

const webhookPath = (webhookId: string) => ({ params: { path: { webhook_id: webhookId } } });

/** The account's webhooks. */
export function listWebhooks(core: MiddlemanCore, options?: RequestOptions): APIPromise<Schemas['Webhook'][]> {
  return core.transport.request('get', '/webhooks', {}, options, listWebhooksOperation);
}

/** One webhook. */
export function getWebhook(core: MiddlemanCore, webhookId: string, options?: RequestOptions): APIPromise<Schemas['Webhook']> {
  return core.transport.request('get', '/webhooks/{webhook_id}', webhookPath(webhookId), options, getWebhookOperation);
}

/** Create a webhook; the answer carries its signing `secret`, this once. */
export function createWebhook(
  core: MiddlemanCore,
  params: Schemas['WebhookCreateRequest'],
  options?: RequestOptions,
): APIPromise<Schemas['WebhookWithSecret']> {
  return core.transport.request('post', '/webhooks', { body: params }, options, createWebhookOperation).map((webhook) => {
    registerSecret(webhook.secret);
    return webhook;
  });
}

/** Change the fields given. */
export function updateWebhook(
  core: MiddlemanCore,
  webhookId: string,
  params: Schemas['WebhookUpdateRequest'],
  options?: RequestOptions,
): APIPromise<Schemas['Webhook']> {
  return APIPromise.try(() =>
    core.transport.request(
      'patch',
      '/webhooks/{webhook_id}',
      { ...webhookPath(webhookId), body: dropUndefined(paramsObject('params', params)) },
      options,
      updateWebhookOperation,
    ),
  );
}

/** Delete a webhook. */
export function deleteWebhook(core: MiddlemanCore, webhookId: string, options?: RequestOptions): APIPromise<void> {
  return core.transport.request('delete', '/webhooks/{webhook_id}', webhookPath(webhookId), options, deleteWebhookOperation);
}

/** Replace a webhook's signing secret and return the new one. */
export function regenerateWebhookSecret(core: MiddlemanCore, webhookId: string, options?: RequestOptions): APIPromise<{ secret: string }> {
  return core.transport
    .request('post', '/webhooks/{webhook_id}/regenerate-secret', webhookPath(webhookId), options, regenerateWebhookSecretOperation)
    .map((answer) => {
      registerSecret(answer.secret);
      return answer;
    });
}

/** Send a test event to the webhook and return the delivery. */
export function testWebhook(core: MiddlemanCore, webhookId: string, options?: RequestOptions): APIPromise<Schemas['WebhookDelivery']> {
  return core.transport.request('post', '/webhooks/{webhook_id}/test', webhookPath(webhookId), options, testWebhookOperation);
}

/** The event names a webhook can subscribe to. */
export function getWebhookEvents(core: MiddlemanCore, options?: RequestOptions): APIPromise<Schemas['WebhookEvent'][]> {
  return core.transport.request('get', '/webhooks/events', {}, options, getWebhookEventsOperation).map((answer) => answer.events);
}

/** A copy without `undefined` values (the Python SDK drops `None`s before sending). */
function dropUndefined<Value extends object>(value: Value): Value {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Value;
}
