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
// The Python SDK's data helpers: each name is both the wire type and the class (explicit, so it wins
// over the plain type alias the training client exports).
export * from './tinker-datum.js';
export { Datum } from './tinker-datum.js';
export * from './tinker-errors.js';
export type { TinkerFutureProgress, TinkerFutureResults, TinkerRequestType } from './tinker-future.js';
export * from './tinker-list-future.js';
export * from './tinker-model-input.js';
export { ModelInput } from './tinker-model-input.js';
export * from './tinker-path.js';
export * from './tinker-rest-client.js';
export * from './tinker-sampling-client.js';
export * from './tinker-service-client.js';
export * from './tinker-tensor-data.js';
export { TensorData } from './tinker-tensor-data.js';
export * from './tinker-training-client.js';
