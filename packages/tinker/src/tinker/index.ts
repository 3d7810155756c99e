export {
  APIUserAbortError,
  ConfigError,
  Future,
  FutureCancelledError,
  FutureFailedError,
  FutureTimeoutError,
  InvalidFutureTokenError,
  InvalidRequestError,
  type PageOptions,
  PagePromise,
  type RequestOptions,
} from '@trainwire/core';
export type { components, paths } from '../generated/tinker.js';
export * from './tinker-errors.js';
export type { TinkerFutureProgress, TinkerFutureResults, TinkerRequestType } from './tinker-future.js';
export * from './tinker-list-future.js';
export * from './tinker-path.js';
export * from './tinker-rest-client.js';
export * from './tinker-sampling-client.js';
export * from './tinker-service-client.js';
export * from './tinker-training-client.js';
