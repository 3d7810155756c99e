import {
  APIPromise,
  createTransport,
  type Fetch,
  type FetchOptions,
  type PagedTransport,
  type PageOptions,
  type RequestOptions,
  type WithResponse,
  withFetchOptions,
  withPagination,
} from '@trainwire/core';
import { nodeStreamFetch } from '@trainwire/core/node-stream';
import type { components, paths } from './generated/jobs.js';
import { service } from './generated/jobs-service.js';
import { requireUploadUrl } from './middleman-answer.js';
import type { CreateApiKeyParams, MiddlemanCore } from './middleman-functions.js';
import * as functions from './middleman-functions.js';
import { type JobDetail, withTerminal } from './middleman-job.js';
import { type PollJobOptions, pollJob } from './middleman-job-poller.js';
import { checkedList, TotalPagePromise } from './middleman-list.js';
import { DEFAULT_BASE_URL, type MiddlemanClientOptions, middlemanTransportOptions } from './middleman-settings.js';
import { openSource, putToPresignedUrl, type UploadFileOptions, type UploadSource } from './middleman-upload.js';
import { checkCount, checkMilliseconds, paramsObject, validateJobQuery, validatePaging } from './middleman-validation.js';

type Schemas = components['schemas'];
export type JobCreateRequest = Schemas['JobCreateRequest'];
export type JobCreateResponse = Schemas['JobCreateResponse'];
export type JobCancelResponse = Schemas['JobCancelResponse'];
export type LogEntry = Schemas['LogEntry'];
export type CreditBalance = Schemas['CreditBalance'];
export type CreditPackage = Schemas['CreditPackage'];
export type Transaction = Schemas['Transaction'];
export type UploadUrl = Schemas['UploadUrl'];
export type DownloadUrl = Schemas['DownloadUrl'];
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyScope = Schemas['ApiKeyScope'];
export type Webhook = Schemas['Webhook'];
export type WebhookEvent = Schemas['WebhookEvent'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export { type CreateApiKeyParams, DEFAULT_BASE_URL, type MiddlemanClientOptions };

/** Parameters of {@link MiddlemanClient.listJobs}. */
export interface ListJobsParams {
  status?: Schemas['JobStatus'] | undefined;
  /** Jobs per page, 1–100. @default 20 */
  limit?: number | undefined;
  /** @default 0 */
  offset?: number | undefined;
}

/**
 * Client of the Middleman training platform: jobs, billing, data and API keys, with the Python
 * SDK's method names in camelCase and the wire's field names.
 */
export class MiddlemanClient {
  readonly #transport: PagedTransport<paths>;
  readonly #core: MiddlemanCore;
  readonly #fetch: Fetch;
  readonly #customFetch: boolean;
  readonly #timeout: number;
  readonly #maxRetries: number;
  readonly #fetchOptions: FetchOptions | undefined;
  readonly #allowInsecureHTTP: boolean;

  constructor(options: MiddlemanClientOptions = {}) {
    const settings = middlemanTransportOptions(options, service);
    this.#fetch = options.fetch ?? ((request, init) => globalThis.fetch(request, init));
    this.#customFetch = options.fetch !== undefined;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#timeout = settings.timeout as number;
    this.#fetchOptions = options.fetchOptions;
    this.#allowInsecureHTTP = options.allowInsecureHTTP ?? false;
    this.#transport = withPagination(createTransport<paths>(settings));
    this.#core = { transport: this.#transport, baseURL: this.#transport.baseURL };
  }

  /** The base URL requests go to. */
  get baseURL(): string {
    return this.#transport.baseURL;
  }

  // ── Jobs ──────────────────────────────────────────────────────────────────────────────────

  /** Jobs, newest first: `await` gives `[jobs, total]` for one page, `for await` walks every job. */
  listJobs(params: ListJobsParams = {}, options?: RequestOptions & PageOptions): TotalPagePromise<Schemas['Job'], JobDetail> {
    return checkedList(
      () => validateJobQuery(paramsObject('params', params)),
      () => {
        const query = { limit: params.limit ?? 20, offset: params.offset ?? 0, ...(params.status ? { status: params.status } : {}) };
        return new TotalPagePromise(this.#transport.paginate('get', '/jobs', { params: { query } }, options), withTerminal, {
          operation: 'listJobs',
          maxItems: options?.maxItems,
        });
      },
    );
  }

  /** One job with its progress and cost. */
  getJob(jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
    return functions.getJob(this.#core, jobId, options);
  }

  /**
   * Create a training job; its estimated cost is reserved. An `Idempotency-Key` goes with it (the
   * same on every retry), so a retried create never starts two jobs.
   */
  createJob(params: JobCreateRequest, options?: RequestOptions): APIPromise<JobCreateResponse> {
    return functions.createJob(this.#core, params, options);
  }

  /** Cancel a job that has not ended; the unused reserved credits are refunded. */
  cancelJob(jobId: string, options?: RequestOptions): APIPromise<JobCancelResponse> {
    return functions.cancelJob(this.#core, jobId, options);
  }

  /** Pause a running job. */
  pauseJob(jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
    return functions.pauseJob(this.#core, jobId, options);
  }

  /** Resume a paused job (its status becomes `resuming`, then `running`). */
  resumeJob(jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
    return functions.resumeJob(this.#core, jobId, options);
  }

  /**
   * Poll until the job ends and return its final state. Transient failures are waited out (each
   * wait reported to `options.onWait` and logged at `info`); 10 in a row (`maxFailures`) end it
   * with `JobPollingError`. `.withResponse()` gives the last poll's response. @default pollInterval 10 s, no timeout
   */
  waitForJob(jobId: string, wait: PollJobOptions = {}, options?: RequestOptions): APIPromise<JobDetail> {
    return APIPromise.from(async () => {
      let last: WithResponse<JobDetail> | undefined;
      const given = paramsObject('wait', wait);
      const polls = this.#pollJob(jobId, { ...given, pollInterval: given.pollInterval ?? 10_000 }, options, (answer) => {
        last = answer;
      });
      for await (const _job of polls);
      return last as WithResponse<JobDetail>;
    });
  }

  /**
   * Yield the job's state on every poll, ending after a terminal one. Transient errors are waited
   * out, as for {@link MiddlemanClient.waitForJob}. @default pollInterval 5 s, no timeout
   */
  streamJobStatus(jobId: string, wait: PollJobOptions = {}, options?: RequestOptions): AsyncGenerator<JobDetail, void, undefined> {
    return this.#pollJob(jobId, wait, options);
  }

  async *#pollJob(
    jobId: string,
    wait: PollJobOptions,
    options: RequestOptions | undefined,
    onAnswer?: (answer: WithResponse<JobDetail>) => void,
  ): AsyncGenerator<JobDetail, void, undefined> {
    const given = paramsObject('wait', wait);
    checkMilliseconds('pollInterval', given.pollInterval);
    checkMilliseconds('timeout', given.timeout);
    checkCount('maxFailures', given.maxFailures);
    const fetchJob = async (signal: AbortSignal) => {
      const answer = await this.getJob(jobId, { ...options, signal }).withResponse();
      onAnswer?.(answer);
      return answer.data;
    };
    yield* pollJob(jobId, fetchJob, {
      ...given,
      pollInterval: given.pollInterval ?? 5_000,
      logger: this.#transport.logger,
      onWait: options?.onWait,
    });
  }

  /** The job's log lines, oldest first; `since` keeps only later ones. */
  getJobLogs(jobId: string, params: { since?: string | Date | undefined } = {}, options?: RequestOptions): APIPromise<LogEntry[]> {
    return functions.getJobLogs(this.#core, jobId, params, options);
  }

  // ── Billing ───────────────────────────────────────────────────────────────────────────────

  /** Credits: `balance`, `reserved` for running jobs, and `available` (the difference). */
  getBalance(options?: RequestOptions): APIPromise<CreditBalance> {
    return functions.getBalance(this.#core, options);
  }

  /** Credit packages for sale. */
  getPackages(options?: RequestOptions): APIPromise<CreditPackage[]> {
    return functions.getPackages(this.#core, options);
  }

  /** Transactions, newest first: `await` gives `[transactions, total]`, `for await` walks them all. */
  getTransactions(
    params: { limit?: number | undefined; offset?: number | undefined } = {},
    options?: RequestOptions & PageOptions,
  ): TotalPagePromise<Transaction> {
    return checkedList(
      () => validatePaging(paramsObject('params', params)),
      () => {
        const query = { limit: params.limit ?? 20, offset: params.offset ?? 0 };
        return new TotalPagePromise(
          this.#transport.paginate('get', '/billing/transactions', { params: { query } }, options),
          (item) => item,
          {
            operation: 'getTransactions',
            maxItems: options?.maxItems,
          },
        );
      },
    );
  }

  // ── Data ──────────────────────────────────────────────────────────────────────────────────

  /** A presigned URL to PUT a file's bytes to. `uploadFile` does this and the PUT for you. */
  getUploadUrl(
    params: { filename: string; content_type: string; size_bytes: number; job_id?: string | undefined },
    options?: RequestOptions,
  ): APIPromise<UploadUrl> {
    return functions.getUploadUrl(this.#core, params, options);
  }

  /**
   * Upload a file and return its `blob_path`: asks for a presigned URL, then streams the bytes
   * there (without the API key, through the client's and the call's `fetchOptions`), reporting
   * progress. Memory use does not grow with the file. `.withResponse()` gives the storage's answer to the PUT.
   */
  uploadFile(source: UploadSource, upload: UploadFileOptions = {}, options?: RequestOptions): APIPromise<string> {
    return APIPromise.from(async () => {
      const opened = await openSource(source, paramsObject('upload', upload));
      const target = await this.getUploadUrl(
        { filename: opened.filename, content_type: opened.contentType, size_bytes: opened.size, job_id: upload.jobId },
        { ...options, signal: upload.signal ?? options?.signal },
      );
      requireUploadUrl(target.upload_url, this.#allowInsecureHTTP);
      const fetch = withFetchOptions(this.#fetch, this.#fetchOptions, options?.fetchOptions);
      const response = await putToPresignedUrl(target.upload_url, opened, {
        // On Node, through node:http (less memory, more MiB/s) unless the client has its own fetch or fetchOptions.
        fetch: (!this.#customFetch && fetch === this.#fetch && nodeStreamFetch()) || fetch,
        maxRetries: options?.maxRetries ?? this.#maxRetries,
        timeout: upload.timeout ?? options?.timeout ?? this.#timeout,
        signal: upload.signal ?? options?.signal,
        onProgress: upload.onProgress,
        logger: this.#transport.logger,
        onWait: options?.onWait,
      });
      return { data: target.blob_path, response };
    });
  }

  /** A presigned URL to download a job's outputs, or one file of them (`path`). */
  getDownloadUrl(jobId: string, params: { path?: string | null | undefined } = {}, options?: RequestOptions): APIPromise<DownloadUrl> {
    return functions.getDownloadUrl(this.#core, jobId, params, options);
  }

  // ── API keys ──────────────────────────────────────────────────────────────────────────────

  /** The account's API keys (their prefixes only). */
  listApiKeys(options?: RequestOptions): APIPromise<ApiKey[]> {
    return functions.listApiKeys(this.#core, options);
  }

  /** Create a key; returns `[keyInfo, fullKey]`. The full key is shown this once: store it. */
  createApiKey(params: CreateApiKeyParams, options?: RequestOptions): APIPromise<[ApiKey, string]> {
    return functions.createApiKey(this.#core, params, options);
  }

  /** Revoke an API key; requests made with it fail from now on. */
  revokeApiKey(keyId: string, options?: RequestOptions): APIPromise<{ revoked: boolean }> {
    return functions.revokeApiKey(this.#core, keyId, options);
  }

  // ── Webhooks ──────────────────────────────────────────────────────────────────────────────

  /** The account's webhooks. */
  listWebhooks(options?: RequestOptions): APIPromise<Webhook[]> {
    return functions.listWebhooks(this.#core, options);
  }

  /** One webhook. */
  getWebhook(webhookId: string, options?: RequestOptions): APIPromise<Webhook> {
    return functions.getWebhook(this.#core, webhookId, options);
  }

  /** Create a webhook; the answer carries its signing `secret`, this once. */
  createWebhook(params: Schemas['WebhookCreateRequest'], options?: RequestOptions): APIPromise<Schemas['WebhookWithSecret']> {
    return functions.createWebhook(this.#core, params, options);
  }

  /** Change the fields given. */
  updateWebhook(webhookId: string, params: Schemas['WebhookUpdateRequest'], options?: RequestOptions): APIPromise<Webhook> {
    return functions.updateWebhook(this.#core, webhookId, params, options);
  }

  /** Delete a webhook. */
  deleteWebhook(webhookId: string, options?: RequestOptions): APIPromise<void> {
    return functions.deleteWebhook(this.#core, webhookId, options);
  }

  /** Replace a webhook's signing secret and return the new one. */
  regenerateWebhookSecret(webhookId: string, options?: RequestOptions): APIPromise<{ secret: string }> {
    return functions.regenerateWebhookSecret(this.#core, webhookId, options);
  }

  /** Send a test event to the webhook and return the delivery. */
  testWebhook(webhookId: string, options?: RequestOptions): APIPromise<WebhookDelivery> {
    return functions.testWebhook(this.#core, webhookId, options);
  }

  /** Deliveries of a webhook: `await` gives `[deliveries, total]`, `for await` walks them all. */
  getWebhookDeliveries(
    webhookId: string,
    params: { limit?: number | undefined; offset?: number | undefined } = {},
    options?: RequestOptions & PageOptions,
  ): TotalPagePromise<WebhookDelivery> {
    const query = { limit: params?.limit ?? 20, offset: params?.offset ?? 0 };
    return checkedList(
      () => validatePaging(paramsObject('params', params)),
      () =>
        new TotalPagePromise(
          this.#transport.paginate(
            'get',
            '/webhooks/{webhook_id}/deliveries',
            { params: { path: { webhook_id: webhookId }, query } },
            options,
          ),
          (item) => item,
          { operation: 'getWebhookDeliveries', maxItems: options?.maxItems },
        ),
    );
  }

  /** The event names a webhook can subscribe to. */
  getWebhookEvents(options?: RequestOptions): APIPromise<WebhookEvent[]> {
    return functions.getWebhookEvents(this.#core, options);
  }
}
