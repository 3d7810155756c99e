import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeBaseURL, resolveNumberSetting, resolveSetting } from './config.js';
import { ConfigError } from './errors.js';

afterEach(() => vi.unstubAllEnvs());

describe('resolveSetting', () => {
  it('prefers the explicit option, then the environment, then the default', () => {
    vi.stubEnv('WIDGETS_API_KEY', 'from-env');
    const source = { option: 'apiKey', env: 'WIDGETS_API_KEY', service: 'Widgets', default: 'fallback' };
    expect(resolveSetting({ ...source, value: 'explicit' })).toBe('explicit');
    expect(resolveSetting({ ...source, value: undefined })).toBe('from-env');
    vi.stubEnv('WIDGETS_API_KEY', '');
    expect(resolveSetting({ ...source, value: undefined })).toBe('fallback');
  });

  it('names the option and the variable when nothing is set', () => {
    vi.stubEnv('WIDGETS_API_KEY', '');
    expect(() => resolveSetting({ value: undefined, option: 'apiKey', env: 'WIDGETS_API_KEY', service: 'Widgets' })).toThrow(
      new ConfigError('Missing Widgets apiKey: pass { apiKey } to the client or set the WIDGETS_API_KEY environment variable.'),
    );
  });

  it('reads numbers from the environment and rejects garbage', () => {
    vi.stubEnv('WIDGETS_TIMEOUT', '2500');
    expect(resolveNumberSetting({ value: undefined, option: 'timeout', env: 'WIDGETS_TIMEOUT', service: 'Widgets' })).toBe(2500);
    vi.stubEnv('WIDGETS_TIMEOUT', 'soon');
    expect(() => resolveNumberSetting({ value: undefined, option: 'timeout', env: 'WIDGETS_TIMEOUT', service: 'Widgets' })).toThrow(
      ConfigError,
    );
    expect(() => resolveNumberSetting({ value: -1, option: 'timeout', service: 'Widgets' })).toThrow(/non-negative/);
  });

  it('refuses a value that is not a string with ConfigError naming the option, never echoing it', () => {
    const source = { option: 'apiKey', service: 'Widgets', secret: true };
    expect(() => resolveSetting({ ...source, value: 12345 as never })).toThrow(
      new ConfigError('Widgets apiKey must be a string, got number.'),
    );
    expect(() => resolveSetting({ ...source, value: { key: 'wk-secret' } as never })).toThrow(
      new ConfigError('Widgets apiKey must be a string, got object.'),
    );
  });

  it('renders any wrong numeric value without throwing: objects, symbols, strings', () => {
    const number = (value: unknown) => () => resolveNumberSetting({ value: value as never, option: 'timeout', service: 'Widgets' });
    expect(number(Object.create(null))).toThrow(new ConfigError('Widgets timeout must be a non-negative number, got object.'));
    expect(number(Symbol('x'))).toThrow(new ConfigError('Widgets timeout must be a non-negative number, got symbol.'));
    expect(number('5')).toThrow(new ConfigError('Widgets timeout must be a non-negative number, got "5".'));
    expect(number(Number.NaN)).toThrow(new ConfigError('Widgets timeout must be a non-negative number, got NaN.'));
  });
});

describe('normalizeBaseURL', () => {
  it.each([
    ['https://api.example.com/', 'https://api.example.com'],
    ['https://api.example.com/v1///', 'https://api.example.com/v1'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:3000/api/', 'http://localhost:3000/api'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ])('normalises %s', (input, output) => {
    expect(normalizeBaseURL(input, { service: 'Widgets' })).toBe(output);
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['ftp://example.com', /must use https/],
    ['https://user:pass@example.com', /must not contain credentials/],
    ['https://example.com/?a=1', /query string/],
    ['http://api.example.com', /plain http: to a non-loopback host/],
  ])('refuses %s', (input, message) => {
    expect(() => normalizeBaseURL(input, { service: 'Widgets' })).toThrow(message);
  });

  it.each([
    [10n, 'bigint'],
    [null, 'null'],
    [{ href: 'https://example.com' }, 'object'],
  ])('refuses %s, which is not a string, with ConfigError', (input, type) => {
    expect(() => normalizeBaseURL(input as never, { service: 'Widgets' })).toThrow(
      new ConfigError(`Widgets baseURL must be a string, got ${type}.`),
    );
  });

  it('allows plain http to another host only when asked', () => {
    expect(normalizeBaseURL('http://10.0.0.5:8000', { service: 'Widgets', allowInsecureHTTP: true })).toBe('http://10.0.0.5:8000');
  });
});
