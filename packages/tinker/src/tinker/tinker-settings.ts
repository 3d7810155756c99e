import {
  type ClientOptions,
  ConfigError,
  normalizeBaseURL,
  readEnv,
  registerSecret,
  registerSecretHeader,
  resolveSetting,
  type ServiceDefinition,
  type TransportOptions,
} from '@trainwire/core';
import { serviceInfo } from '../generated/tinker.js';
import { describeValue } from './tinker-describe-value.js';

/** The version this client reports as `sdk_version` and in its User-Agent. */
export const TINKER_CLIENT_VERSION = '0.1.0';

/** Options of a Tinker client core: the connection options of `ServiceClient`, each falling back to its environment variable. */
export interface TinkerCoreOptions extends ClientOptions {
  /** A Tinker API key (`tml-…`) or a JWT (`eyJ…`). @default process.env.TINKER_API_KEY */
  apiKey?: string | undefined;
  /** @default process.env.TINKER_BASE_URL, else https://tinker.thinkingmachines.dev/services/tinker-prod */
  baseURL?: string | undefined;
}

/**
 * What `ServiceClient` and `createTinkerCore` build their transport from: the key (`tml-…` or a
 * JWT) and base URL from the options or the environment, the Cloudflare Access headers.
 */
export function tinkerTransportOptions(
  options: TinkerCoreOptions,
  definition: ServiceDefinition,
  validator: TransportOptions['validator'],
): TransportOptions {
  const apiKey = resolveSetting({ value: options.apiKey, option: 'apiKey', env: 'TINKER_API_KEY', service: 'Tinker', secret: true });
  // resolveSetting passes a non-string option through unchecked (`apiKey: []` would be a TypeError here).
  if (typeof apiKey !== 'string' || (!apiKey.startsWith('tml-') && !apiKey.startsWith('eyJ'))) {
    throw new ConfigError('Tinker apiKey must be an API key starting with tml- or a JWT starting with eyJ.');
  }
  const baseURL = resolveSetting({
    value: options.baseURL,
    option: 'baseURL',
    env: 'TINKER_BASE_URL',
    service: 'Tinker',
    default: serviceInfo.servers[0],
  });
  // resolveSetting passes a non-string through, and normalizeBaseURL would throw a TypeError on a bigint.
  if (typeof baseURL !== 'string') throw new ConfigError(`Tinker baseURL must be a URL string, got ${describeValue(baseURL)}.`);
  return {
    ...options,
    headers: { ...cloudflareAccessHeaders(), ...options.headers },
    definition,
    validator,
    apiKey,
    baseURL: normalizeBaseURL(baseURL, { service: 'Tinker', allowInsecureHTTP: options.allowInsecureHTTP }),
    userAgent: `trainwire-tinker/${TINKER_CLIENT_VERSION}`,
  };
}

/** `CF-Access-Client-Id` / `-Secret` from CLOUDFLARE_ACCESS_CLIENT_ID / _SECRET, when both are set. */
function cloudflareAccessHeaders(): Record<string, string> {
  const id = readEnv('CLOUDFLARE_ACCESS_CLIENT_ID');
  const secret = readEnv('CLOUDFLARE_ACCESS_CLIENT_SECRET');
  if (!id || !secret) return {};
  registerSecret(secret);
  registerSecretHeader('CF-Access-Client-Secret');
  return { 'CF-Access-Client-Id': id, 'CF-Access-Client-Secret': secret };
}
