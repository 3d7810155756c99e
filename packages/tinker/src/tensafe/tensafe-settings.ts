import {
  type ClientOptions,
  ConfigError,
  normalizeBaseURL,
  readEnv,
  resolveNumberSetting,
  resolveSetting,
  type ServiceDefinition,
  type TransportOptions,
} from '@trainwire/core';
import { serviceInfo } from '../generated/tensafe.js';
import { sha256Hex } from './sha256.js';
import { tenSafeErrorClasses } from './tensafe-errors.js';

const SERVICE = 'TenSafe';

/** Options of the TenSafe {@link ServiceClient} (`tg_tinker.ServiceClient`) and of `createTenSafeCore`. */
export interface TenSafeClientOptions extends ClientOptions {
  /** API key, sent as `Authorization: Bearer <key>`. @default the TS_API_KEY environment variable */
  apiKey?: string | undefined;
  /** @default the TS_BASE_URL environment variable, else https://api.tensafe.dev (self-hosted: `http://host:8000/api`) */
  baseURL?: string | undefined;
  /** Tenant id. @default TS_TENANT_ID, else derived from the key as the server does (`tenant-` + 8 hex of its sha256) */
  tenantId?: string | undefined;
  /** Per-attempt timeout in milliseconds. @default TS_TIMEOUT (seconds) × 1000, else 300000 */
  timeout?: number | undefined;
  /** Retries of a failed request (0..10). @default TS_RETRY_COUNT, else 3 */
  retryCount?: number | undefined;
  /** First delay between future polls in milliseconds (then backing off ×1.5 up to 10 s). @default TS_POLL_INTERVAL (seconds) × 1000, else 1000 */
  pollInterval?: number | undefined;
}

/** The resolved settings of a {@link ServiceClient} (`tg_tinker.TenSafeConfig`); never the key. */
export interface TenSafeConfig {
  readonly baseURL: string;
  readonly tenantId: string;
  readonly timeout: number;
  readonly retryCount: number;
  readonly pollInterval: number;
}

/**
 * What the TenSafe `ServiceClient` and `createTenSafeCore` are built from: the settings from the
 * options or the `TS_*` environment variables (times in seconds there), and the transport's options.
 */
export function tenSafeSettings(
  options: TenSafeClientOptions,
  definition: ServiceDefinition,
  validator: TransportOptions['validator'],
): { config: TenSafeConfig; transport: TransportOptions } {
  const apiKey = text(
    resolveSetting({ value: options.apiKey, option: 'apiKey', env: 'TS_API_KEY', service: SERVICE, secret: true }),
    'apiKey',
  );
  const baseURL = normalizeBaseURL(
    text(
      resolveSetting({ value: options.baseURL, option: 'baseURL', env: 'TS_BASE_URL', service: SERVICE, default: serviceInfo.servers[0] }),
      'baseURL',
    ),
    { service: SERVICE, allowInsecureHTTP: options.allowInsecureHTTP },
  );
  const timeout = milliseconds(options.timeout, 'timeout', 'TS_TIMEOUT', 300);
  const retryCount = resolveNumberSetting({
    value: options.retryCount ?? options.maxRetries,
    option: 'retryCount',
    env: 'TS_RETRY_COUNT',
    service: SERVICE,
    default: 3,
  }) as number;
  if (!Number.isInteger(retryCount) || retryCount > 10)
    throw new ConfigError(`TenSafe retryCount must be an integer from 0 to 10, got ${retryCount}.`);
  const tenantId = text(options.tenantId ?? readEnv('TS_TENANT_ID') ?? `tenant-${sha256Hex(apiKey).slice(0, 8)}`, 'tenantId');
  const config = Object.freeze({
    baseURL,
    tenantId,
    timeout,
    retryCount,
    pollInterval: milliseconds(options.pollInterval, 'pollInterval', 'TS_POLL_INTERVAL', 1),
  });
  const transport = {
    ...options,
    definition,
    validator,
    apiKey,
    baseURL,
    timeout,
    maxRetries: retryCount,
    errorClasses: tenSafeErrorClasses,
    userAgent: 'trainwire-tensafe/0.0.0',
  };
  return { config, transport };
}

/** A time given in the unit `tg_tinker` documents (seconds), as milliseconds. */
function milliseconds(value: number | undefined, option: string, env: string, defaultSeconds: number): number {
  if (value !== undefined) return resolveNumberSetting({ value, option, service: SERVICE }) as number;
  return (resolveNumberSetting({ value: undefined, option, env, service: SERVICE, default: defaultSeconds }) as number) * 1000;
}

/** A string setting, or a ConfigError: resolveSetting passes a non-string option through (a bigint baseURL would be a TypeError). */
function text(value: string, option: string): string {
  if (typeof value !== 'string') throw new ConfigError(`TenSafe ${option} must be a string, got ${typeof value}.`);
  return value;
}
