import { ConfigError } from './errors.js';
import { readEnv } from './read-env.js';
import { registerSecret } from './redact.js';

/** Where one setting comes from: the explicit option, else the environment variable, else a default. */
export interface SettingSource<T extends string | number> {
  /** The value given to the client constructor, if any. */
  value: T | undefined | null;
  /** The option's name in the constructor, for the error message (`apiKey`). */
  option: string;
  /** The documented environment variable (`TINKER_API_KEY`). */
  env?: string;
  /** The service's display name (`Tinker`). */
  service: string;
  /** Used when neither is set; without one, a missing value throws {@link ConfigError}. */
  default?: T;
  /** A credential: registered for redaction and never echoed. */
  secret?: boolean;
}

/** Resolve a string setting: explicit option → environment variable → default → {@link ConfigError} naming both. */
export function resolveSetting(source: SettingSource<string>): string {
  const value = source.value ?? (source.env ? readEnv(source.env) : undefined) ?? source.default;
  if (value === undefined || value === '') {
    const env = source.env ? ` or set the ${source.env} environment variable` : '';
    throw new ConfigError(`Missing ${source.service} ${source.option}: pass { ${source.option} } to the client${env}.`);
  }
  if (typeof value !== 'string') throw new ConfigError(`${source.service} ${source.option} must be a string, got ${typeName(value)}.`);
  if (source.secret) registerSecret(value);
  return value;
}

/** Resolve a numeric setting (e.g. a timeout read from `TS_TIMEOUT`); a non-numeric value is a {@link ConfigError}. */
export function resolveNumberSetting(source: SettingSource<number>): number | undefined {
  if (source.value !== undefined && source.value !== null) return checkNumber(source.value, source.option, source.service);
  const raw = source.env ? readEnv(source.env) : undefined;
  if (raw === undefined) return source.default;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed)) throw new ConfigError(`${source.env} must be a number, got ${JSON.stringify(raw)}.`);
  return checkNumber(parsed, source.env ?? source.option, source.service);
}

function checkNumber(value: number, name: string, service: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(`${service} ${name} must be a non-negative number, got ${render(value)}.`);
  return value;
}

/** A value for an error message that never throws: numbers and short strings as they are, anything else by its type. */
function render(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeName(value);
}

const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const LOOPBACK = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Whether `hostname` (as `URL.hostname` gives it) is a loopback host, where plain http is allowed. */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK.test(hostname);

/**
 * Check and normalise a base URL: http(s) only, no credentials, query or fragment, no trailing
 * slash. Plain `http:` is refused for hosts other than loopback unless `allowInsecureHTTP`.
 */
export function normalizeBaseURL(value: string, options: { service: string; allowInsecureHTTP?: boolean | undefined }): string {
  if (typeof value !== 'string') throw new ConfigError(`${options.service} baseURL must be a string, got ${typeName(value)}.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${options.service} baseURL is not a valid URL: ${JSON.stringify(value)}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${options.service} baseURL must use https: (got ${url.protocol}).`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${options.service} baseURL must not contain credentials; pass them as apiKey instead.`);
  }
  if (url.search || url.hash) throw new ConfigError(`${options.service} baseURL must not contain a query string or fragment.`);
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname) && !options.allowInsecureHTTP) {
    throw new ConfigError(
      `${options.service} baseURL ${url.origin} uses plain http: to a non-loopback host, which would send your API key unencrypted. Use https:, or pass { allowInsecureHTTP: true } if you really mean it.`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
