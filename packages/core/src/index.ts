export {
  APIError,
  type APIErrorInit,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './api-error.js';
export { APIPromise, type Exchange, type WithResponse } from './api-promise.js';
export { type BackoffOptions, backoff, MAX_RETRY_AFTER, POLL_BACKOFF, retryAfterFrom, retryWait } from './backoff.js';
export { bodyLimit, DEFAULT_MAX_RESPONSE_BYTES, MAX_ERROR_BODY_BYTES, readBoundedBody } from './bounded-body.js';
export { isLoopbackHost, normalizeBaseURL, resolveNumberSetting, resolveSetting, type SettingSource } from './config.js';
export { ConnectionCap, DEFAULT_MAX_CONCURRENT_REQUESTS, withConnectionCap } from './connection-cap.js';
export { encodePath } from './encode-path.js';
export { type APIErrorClass, type ErrorClasses, errorFromResponse } from './error-from-response.js';
export { APIConnectionError, APITimeoutError, APIUserAbortError, ConfigError, InvalidRequestError } from './errors.js';
export { type FetchOptions, withFetchOptions } from './fetch-options.js';
export {
  Future,
  type FutureOptions,
  type FutureResultOptions,
  type FutureState,
  type FutureWithResponse,
  type PollContext,
  type PollResult,
} from './future.js';
export {
  FutureCancelledError,
  FutureFailedError,
  FuturePollingError,
  FutureTimeoutError,
  InvalidFutureTokenError,
} from './future-errors.js';
export type { SavedFuture } from './future-token.js';
export { isTransientPollError } from './future-transient.js';
export { idempotencyKey } from './idempotency-key.js';
export { loadSchemaValidator, loadSchemaValidatorWith } from './load-schema-validator.js';
export type { Logger, LogLevel } from './logger.js';
export type { StreamFetch } from './node-stream.js';
export { splitOperationKey } from './operation-key.js';
export { type PageOptions, PagePromise } from './page-promise.js';
export { type PaginationStrategy, paginationStrategy } from './pagination-strategy.js';
export { type ExponentialBackoffOptions, exponentialBackoff, fixedInterval, longPoll, type PollStrategy } from './poll-strategy.js';
export { STREAMED_BODY_INIT } from './raw-body.js';
export { readEnv } from './read-env.js';
export {
  clipRedacted,
  credentialsInURL,
  isSecretHeader,
  REDACTED,
  redact,
  redactHeaders,
  redactValue,
  registerSecret,
  registerSecretHeader,
} from './redact.js';
export { type CrossOriginRedirects, MAX_REDIRECTS, withRedirects } from './redirects.js';
export { RedirectError, ResponseTooLargeError, ResponseValidationError } from './refusal-errors.js';
export { requestIdFrom } from './request-id.js';
export type { Fetch, RequestOptions } from './request-options.js';
export { type RetryContext, withRetry } from './retry.js';
export { isTransientStatus, type RetryAdvice, retryAdvice } from './retry-advice.js';
export { announceWait, describeWait, isRetryWait, type RetryWait, waitAfterFailure } from './retry-wait.js';
export { schemaValidator, type Validator } from './schema-validator.js';
export { seededRandom } from './seeded-random.js';
export type {
  AuthDefinition,
  BodyDefinition,
  HttpMethod,
  JsonSchema,
  JsonSchemaType,
  JsonValue,
  LongRunningDefinition,
  OperationDefinition,
  PaginationDefinition,
  ParamsDefinition,
  ResponseCheck,
  ResponseDefinition,
  ServiceDefinition,
} from './service-definition.js';
export { sleep } from './sleep.js';
export { brand, TrainwireError } from './trainwire-error.js';
export {
  type CallOptions,
  type ClientOptions,
  createTransport,
  type OperationInit,
  type PageItem,
  type ResponseData,
  type Transport,
  type TransportOptions,
} from './transport.js';
export { type ValidateOptions, type ValidationIssue, validate } from './validate.js';
export { type PagedTransport, withPagination } from './with-pagination.js';
