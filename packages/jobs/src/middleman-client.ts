import {
  APIPromise,
  type ClientOptions,
  createTransport,
  type Fetch,
  type FetchOptions,
  InvalidRequestError,
  normalizeBaseURL,
  type PageOptions,
  type RequestOptions,
  registerSecret,
  resolveSetting,
  type Transport,
  type WithResponse,
  withFetchOptions,
} from '@trainwire/core';
import { nodeStreamFetch } from '@trainwire/core/node-stream';
import { type components, type paths, service } from './generated/jobs.js';
import { requireUploadUrl } from './middleman-answer.js';
import { InsufficientCreditsError } from './middleman-errors.js';
import { type JobDetail, withTerminal } from './middleman-job.js';
import { type PollJobOptions, pollJob } from './middleman-job-poller.js';
import { checkedList, TotalPagePromise } from './middleman-list.js';
import { openSource, putToPresignedUrl, type UploadFileOptions, type UploadSource } from './middleman-upload.js';
import {
  checkCount,
  checkMilliseconds,
  paramsObject,
  validateApiKeyCreate,
  validateJobCreate,
  validateJobQuery,
  validatePaging,
} from './middleman-validation.js';

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

/** The production API, as the Python SDK has it. */
export const DEFAULT_BASE_URL = 'https://api.middleman.run/api/v1';

/** Options of {@link MiddlemanClient}: `apiKey` falls back to `MIDDLEMAN_API_KEY`, `baseURL` to `MIDDLEMAN_API_URL`. */
export interface MiddlemanClientOptions extends ClientOptions {
  /** Per-attempt timeout in milliseconds (the Python SDK's 30 s). @default 30000 */
  timeout?: number | undefined;
}

/** Parameters of {@link MiddlemanClient.listJobs}. */
export interface ListJobsParams {
  status?: Schemas['JobStatus'] | undefined;
  /** Jobs per page, 1–100. @default 20 */
  limit?: number | undefined;
  /** @default 0 */
  offset?: number | undefined;
}

/** Parameters of {@link MiddlemanClient.createApiKey}. */
export interface CreateApiKeyParams {
  name: string;
  /** @default ['read', 'write'] */
  scopes?: ApiKeyScope[] | undefined;
  /** Days until the key expires, 1–365. @default never */
  expires_in_days?: number | null | undefined;
}

/**
 * Client of the Middleman training platform: jobs, billing, data and API keys, with the Python
 * SDK's method names in camelCase and the wire's field names.
 */
export class MiddlemanClient {
  readonly #transport: Transport<paths>;
  readonly #fetch: Fetch;
  readonly #customFetch: boolean;
  readonly #timeout: number;
  readonly #maxRetries: number;
  readonly #fetchOptions: FetchOptions | undefined;
  readonly #allowInsecureHTTP: boolean;

  constructor(options: MiddlemanClientOptions = {}) {
    const apiKey = resolveSetting({
      value: options.apiKey,
      option: 'apiKey',
      env: 'MIDDLEMAN_API_KEY',
      service: 'Middleman',
      secret: true,
    });
    const baseURL = resolveSetting({
      value: options.baseURL,
      option: 'baseURL',
      env: 'MIDDLEMAN_API_URL',
      service: 'Middleman',
      default: DEFAULT_BASE_URL,
    });
    this.#fetch = options.fetch ?? ((request, init) => globalThis.fetch(request, init));
    this.#customFetch = options.fetch !== undefined;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#timeout = options.timeout ?? 30_000;
    this.#fetchOptions = options.fetchOptions;
    this.#allowInsecureHTTP = options.allowInsecureHTTP ?? false;
    this.#transport = createTransport<paths>({
      ...options,
      timeout: this.#timeout,
      definition: service,
      apiKey,
      baseURL: normalizeBaseURL(baseURL, { service: 'Middleman', allowInsecureHTTP: options.allowInsecureHTTP }),
      errorClasses: { 402: InsufficientCreditsError },
      userAgent: 'trainwire-middleman/0.1.0',
    });
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
    return this.#transport
      .request('get', '/jobs/{job_id}', { params: { path: { job_id: jobId } } }, options)
      .map((job) => withTerminal(job));
  }

  /**
   * Create a training job; its estimated cost is reserved. An `Idempotency-Key` goes with it (the
   * same on every retry), so a retried create never starts two jobs.
   */
  createJob(params: JobCreateRequest, options?: RequestOptions): APIPromise<JobCreateResponse> {
    return APIPromise.try(() => {
      const body: JobCreateRequest = {
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
      return this.#transport.request('post', '/jobs', { body }, options);
    });
  }

  /** Cancel a job that has not ended; the unused reserved credits are refunded. */
  cancelJob(jobId: string, options?: RequestOptions): APIPromise<JobCancelResponse> {
    return this.#transport.request('post', '/jobs/{job_id}/cancel', { params: { path: { job_id: jobId } } }, options);
  }

  /** Pause a running job. */
  pauseJob(jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
    return this.#transport
      .request('post', '/jobs/{job_id}/pause', { params: { path: { job_id: jobId } } }, options)
      .map((job) => withTerminal(job));
  }

  /** Resume a paused job (its status becomes `resuming`, then `running`). */
  resumeJob(jobId: string, options?: RequestOptions): APIPromise<JobDetail> {
    return this.#transport
      .request('post', '/jobs/{job_id}/resume', { params: { path: { job_id: jobId } } }, options)
      .map((job) => withTerminal(job));
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
    return APIPromise.try(() => {
      const given = paramsObject('params', params);
      if (given.since instanceof Date && Number.isNaN(given.since.getTime()))
        throw new InvalidRequestError('since', 'must be a valid date');
      const since = given.since instanceof Date ? given.since.toISOString() : given.since;
      const query = since === undefined ? {} : { since };
      return this.#transport.request('get', '/jobs/{job_id}/logs', { params: { path: { job_id: jobId }, query } }, options);
    });
  }

  // ── Billing ───────────────────────────────────────────────────────────────────────────────

  /** Credits: `balance`, `reserved` for running jobs, and `available` (the difference). */
  getBalance(options?: RequestOptions): APIPromise<CreditBalance> {
    return this.#transport.request('get', '/billing/balance', {}, options);
  }

  /** Credit packages for sale. */
  getPackages(options?: RequestOptions): APIPromise<CreditPackage[]> {
    return this.#transport.request('get', '/billing/packages', {}, options).map((answer) => answer.packages);
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
    return APIPromise.try(() => {
      const { job_id: jobId, ...body } = paramsObject('params', params);
      return this.#transport.request('post', '/data/upload-url', { params: { query: jobId ? { job_id: jobId } : {} }, body }, options);
    });
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
    return APIPromise.try(() => {
      const path = paramsObject('params', params).path ?? null;
      return this.#transport.request('post', '/data/download-url', { body: { job_id: jobId, path } }, options);
    });
  }

  // ── API keys ──────────────────────────────────────────────────────────────────────────────

  /** The account's API keys (their prefixes only). */
  listApiKeys(options?: RequestOptions): APIPromise<ApiKey[]> {
    return this.#transport.request('get', '/api-keys', {}, options);
  }

  /** Create a key; returns `[keyInfo, fullKey]`. The full key is shown this once: store it. */
  createApiKey(params: CreateApiKeyParams, options?: RequestOptions): APIPromise<[ApiKey, string]> {
    return APIPromise.try(() => {
      const given = paramsObject('params', params);
      const body = { name: given.name, scopes: given.scopes ?? ['read', 'write'], expires_in_days: given.expires_in_days ?? null };
      validateApiKeyCreate(body);
      return this.#transport.request('post', '/api-keys', { body }, options).map(({ key, ...info }): [ApiKey, string] => {
        registerSecret(key);
        return [info, key];
      });
    });
  }

  /** Revoke an API key; requests made with it fail from now on. */
  revokeApiKey(keyId: string, options?: RequestOptions): APIPromise<{ revoked: boolean }> {
    return this.#transport.request('delete', '/api-keys/{key_id}', { params: { path: { key_id: keyId } } }, options);
  }

  // ── Webhooks ──────────────────────────────────────────────────────────────────────────────

  /** The account's webhooks. */
  listWebhooks(options?: RequestOptions): APIPromise<Webhook[]> {
    return this.#transport.request('get', '/webhooks', {}, options);
  }

  /** One webhook. */
  getWebhook(webhookId: string, options?: RequestOptions): APIPromise<Webhook> {
    return this.#transport.request('get', '/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } } }, options);
  }

  /** Create a webhook; the answer carries its signing `secret`, this once. */
  createWebhook(params: Schemas['WebhookCreateRequest'], options?: RequestOptions): APIPromise<Schemas['WebhookWithSecret']> {
    return this.#transport.request('post', '/webhooks', { body: params }, options).map((webhook) => {
      registerSecret(webhook.secret);
      return webhook;
    });
  }

  /** Change the fields given. */
  updateWebhook(webhookId: string, params: Schemas['WebhookUpdateRequest'], options?: RequestOptions): APIPromise<Webhook> {
    return APIPromise.try(() =>
      this.#transport.request(
        'patch',
        '/webhooks/{webhook_id}',
        { params: { path: { webhook_id: webhookId } }, body: dropUndefined(paramsObject('params', params)) },
        options,
      ),
    );
  }

  /** Delete a webhook. */
  deleteWebhook(webhookId: string, options?: RequestOptions): APIPromise<void> {
    return this.#transport.request('delete', '/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } } }, options);
  }

  /** Replace a webhook's signing secret and return the new one. */
  regenerateWebhookSecret(webhookId: string, options?: RequestOptions): APIPromise<{ secret: string }> {
    return this.#transport
      .request('post', '/webhooks/{webhook_id}/regenerate-secret', { params: { path: { webhook_id: webhookId } } }, options)
      .map((answer) => {
        registerSecret(answer.secret);
        return answer;
      });
  }

  /** Send a test event to the webhook and return the delivery. */
  testWebhook(webhookId: string, options?: RequestOptions): APIPromise<WebhookDelivery> {
    return this.#transport.request('post', '/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } } }, options);
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
    return this.#transport.request('get', '/webhooks/events', {}, options).map((answer) => answer.events);
  }
}

/** A copy without `undefined` values (the Python SDK drops `None`s before sending). */
function dropUndefined<Value extends object>(value: Value): Value {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Value;
}
