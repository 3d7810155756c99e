/**
 * Secrets known to this process. Shared through `globalThis` so that two loaded copies of
 * `@trainwire/core` redact the same keys.
 */
const REGISTRY = Symbol.for('trainwire.secrets');
const scope = globalThis as Record<symbol, unknown>;
if (!(scope[REGISTRY] instanceof Set)) scope[REGISTRY] = new Set<string>();
const registry = scope[REGISTRY] as Set<string>;

/** Placeholder that replaces a secret wherever one would be shown. */
export const REDACTED = '[redacted]';

/** Headers whose values are always credentials. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie', 'set-cookie']);

/**
 * Remember a credential so that it is replaced by `[redacted]` in every error message, log line,
 * `toJSON` and `util.inspect` output this library produces. Short values are ignored (they would
 * redact ordinary words).
 */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret === 'string' && secret.length >= 8) registry.add(secret);
}

/** Register a header name whose value must never be shown (e.g. a service's own auth header). */
export function registerSecretHeader(name: string): void {
  SECRET_HEADERS.add(name.toLowerCase());
}

/** Whether a header's value is a credential. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

// Bearer tokens and `key=value` credentials that were never registered (e.g. echoed back by a proxy).
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** Replace every registered secret and every bearer credential in `text`. */
export function redact(text: string): string {
  let result = text;
  for (const secret of registry) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result.replace(BEARER, `$1 ${REDACTED}`);
}

/** Deep-copy a JSON-like value with every string redacted (cycles become `[circular]`). */
export function redactValue(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = isSecretHeader(key) ? REDACTED : redactValue(item, seen);
  }
  return result;
}

/** A plain-object copy of `headers` with credential headers and registered secrets redacted. */
export function redactHeaders(headers: HeadersInit | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!headers) return result;
  new Headers(headers).forEach((value, name) => {
    result[name] = isSecretHeader(name) ? REDACTED : redact(value);
  });
  return result;
}
