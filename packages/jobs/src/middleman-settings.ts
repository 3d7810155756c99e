import {
  type ClientOptions,
  loadSchemaValidator,
  normalizeBaseURL,
  resolveSetting,
  type ServiceDefinition,
  type TransportOptions,
} from '@trainwire/core';
import { InsufficientCreditsError } from './middleman-errors.js';

/** The production API, as the Python SDK has it. */
export const DEFAULT_BASE_URL = 'https://api.middleman.run/api/v1';

/** Options of a Middleman client: `apiKey` falls back to `MIDDLEMAN_API_KEY`, `baseURL` to `MIDDLEMAN_API_URL`. */
export interface MiddlemanClientOptions extends ClientOptions {
  /** Per-attempt timeout in milliseconds (the Python SDK's 30 s). @default 30000 */
  timeout?: number | undefined;
}

/**
 * What `MiddlemanClient` and `createMiddlemanCore` build their transport from: the key and base URL
 * from the options or the environment, the 30 s timeout, the Middleman error classes.
 */
export function middlemanTransportOptions(options: MiddlemanClientOptions, definition: ServiceDefinition): TransportOptions {
  const apiKey = resolveSetting({ value: options.apiKey, option: 'apiKey', env: 'MIDDLEMAN_API_KEY', service: 'Middleman', secret: true });
  const baseURL = resolveSetting({
    value: options.baseURL,
    option: 'baseURL',
    env: 'MIDDLEMAN_API_URL',
    service: 'Middleman',
    default: DEFAULT_BASE_URL,
  });
  return {
    ...options,
    timeout: options.timeout ?? 30_000,
    definition,
    validator: loadSchemaValidator,
    apiKey,
    baseURL: normalizeBaseURL(baseURL, { service: 'Middleman', allowInsecureHTTP: options.allowInsecureHTTP }),
    errorClasses: { 402: InsufficientCreditsError },
    userAgent: 'trainwire-middleman/0.1.0',
  };
}
