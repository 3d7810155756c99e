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

/** Secrets shorter than this are ignored (they would redact ordinary words). */
const MIN_SECRET = 8;

/**
 * Remember a credential so that it is replaced by `[redacted]` in every error message, log line,
 * `toJSON` and `util.inspect` output this library produces: as it is, in any letter case,
 * percent-encoded, and in base64 or base64url (alone, or inside an encoded `Bearer <key>` or
 * `user:<key>`). Short values are ignored (they would redact ordinary words).
 */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret === 'string' && secret.length >= MIN_SECRET) registry.add(secret);
}

/** Register a header name whose value must never be shown (e.g. a service's own auth header). */
export function registerSecretHeader(name: string): void {
  SECRET_HEADERS.add(name.toLowerCase());
}

/** Whether a header's value is a credential. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

// Bearer tokens and Basic credentials that were never registered (e.g. echoed back by a proxy).
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// The query values of a URL that are credentials: presigned-URL signatures (`X-Amz-Signature`,
// `X-Amz-Credential`, `X-Amz-Security-Token`, `X-Goog-Signature`, Azure's `sig`), `token`,
// `access_token`, `api_key`, `apikey`, `secret`, `password`: `?name=` or `&name=`, up to the next `&`.
const URL_CREDENTIAL = /([?&;](?:[\w.~-]*[-_.])?(?:signature|sig|token|key|apikey|secret|credential|password)=)[^&#\s"'<>\\]+/gi;
const URL_CREDENTIAL_NAME = /^(?:[\w.~-]*[-_.])?(?:signature|sig|token|key|apikey|secret|credential|password)$/i;
const BASE64_CHARACTER = /[A-Za-z0-9+/_-]/;

/** How the registered secrets are found in a text: one pattern, and which of its hits are base64. */
interface Matcher {
  pattern: RegExp;
  base64: Set<string>;
}

let cached: { size: number; matcher: Matcher | undefined } | undefined;

/** The matcher of the registry, rebuilt when a secret was added (the registry only grows). */
function registryMatcher(): Matcher | undefined {
  if (cached?.size !== registry.size) cached = { size: registry.size, matcher: buildMatcher([...registry]) };
  return cached.matcher;
}

/**
 * One case-insensitive pattern for every form of every secret: as written, percent-encoded (as
 * `encodeURIComponent` does, and every byte), and the part of its base64 that depends on the secret
 * alone, for each of the three alignments it can have inside a longer encoded text.
 */
function buildMatcher(secrets: readonly string[]): Matcher | undefined {
  const forms = new Set<string>();
  const base64 = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET) continue;
    const bytes = new TextEncoder().encode(secret);
    forms.add(escapePattern(secret));
    forms.add(escapePattern(uriEncoded(secret)));
    forms.add(escapePattern(Array.from(bytes, (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')));
    for (let offset = 0; offset < 3; offset++) {
      const middle = base64Middle(bytes, offset);
      if (middle.length < MIN_SECRET) continue;
      base64.add(normalizeBase64(middle));
      forms.add(escapePattern(middle).replace(/\\\+|\\\/|[+/]/g, (character) => (character.endsWith('+') ? '[+-]' : '[/_]')));
    }
  }
  if (forms.size === 0) return undefined;
  // Longest first, so a longer form wins over a shorter one that starts alike.
  const alternatives = [...forms].sort((a, b) => b.length - a.length);
  return { pattern: new RegExp(alternatives.join('|'), 'gi'), base64 };
}

/**
 * The base64 characters of `bytes` placed after `offset` other bytes that do not depend on those
 * other bytes nor on what follows: the whole 3-byte groups made of the secret's bytes only.
 */
function base64Middle(bytes: Uint8Array, offset: number): string {
  const padded = new Uint8Array(offset + bytes.length);
  padded.set(bytes, offset);
  let binary = '';
  for (const byte of padded) binary += String.fromCharCode(byte);
  const encoded = btoa(binary);
  const first = Math.ceil(offset / 3);
  const last = Math.floor(padded.length / 3);
  return encoded.slice(first * 4, last * 4);
}

/** `encodeURIComponent(text)`, or `text` for a lone surrogate (which has no URI-encoded form). */
function uriEncoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

const normalizeBase64 = (text: string): string => text.toLowerCase().replace(/-/g, '+').replace(/_/g, '/');

function escapePattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Replace every hit of `matcher` in `text`; a base64 hit takes the whole run of base64 characters around it. */
function replaceSecrets(text: string, matcher: Matcher): string {
  const { pattern, base64 } = matcher;
  pattern.lastIndex = 0;
  let result = '';
  let done = 0;
  for (let hit = pattern.exec(text); hit !== null; hit = pattern.exec(text)) {
    let start = hit.index;
    let end = start + hit[0].length;
    if (base64.has(normalizeBase64(hit[0]))) {
      while (start > done && BASE64_CHARACTER.test(text[start - 1] as string)) start--;
      while (end < text.length && BASE64_CHARACTER.test(text[end] as string)) end++;
      while (text[end] === '=') end++;
      pattern.lastIndex = end;
    }
    result += `${text.slice(done, start)}${REDACTED}`;
    done = end;
  }
  return done === 0 ? text : result + text.slice(done);
}

/**
 * Replace every registered secret (in its usual encodings), every bearer credential and every
 * credential query value of a URL (a presigned URL's signature) in `text`. `extra` secrets are
 * redacted too, for this call only (e.g. the signature of the presigned URL an upload just used).
 */
export function redact(text: string, extra?: readonly string[]): string {
  return redactSecrets(text, extra).replace(URL_CREDENTIAL, `$1${REDACTED}`);
}

/**
 * {@link redact} but for URL credentials: what a response header keeps, so that a redirect's
 * `Location` (a signed download URL the caller asked for) can still be read from an error.
 */
export function redactSecrets(text: string, extra?: readonly string[]): string {
  let result = text;
  const matcher = registryMatcher();
  if (matcher) result = replaceSecrets(result, matcher);
  const once = extra && extra.length > 0 ? buildMatcher(extra) : undefined;
  if (once) result = replaceSecrets(result, once);
  return result.replace(BEARER, `$1 ${REDACTED}`);
}

/** `text` redacted, then cut to `length` characters (redacting first, so a cut never leaves part of a secret). */
export function clipRedacted(text: string, length = 500, extra?: readonly string[]): string {
  const redacted = redact(text, extra);
  return redacted.length > length ? `${redacted.slice(0, length)}…` : redacted;
}

/**
 * The values of `url`'s credential query parameters (a presigned URL's `X-Amz-Signature`,
 * `X-Amz-Credential`, `sig`, `token`, ...) and of its password: what a server answering that URL
 * may echo, to pass as `extra` to {@link redact}.
 */
export function credentialsInURL(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const values: string[] = [];
  parsed.searchParams.forEach((value, name) => {
    if (URL_CREDENTIAL_NAME.test(name) && value) values.push(value);
  });
  if (parsed.password) values.push(decodeURIComponent(parsed.password));
  return values;
}

/** Deep-copy a JSON-like value with every string redacted (cycles become `[circular]`). */
export function redactValue(value: unknown, extra?: readonly string[]): unknown {
  return redactDeep(value, extra, new WeakSet<object>());
}

function redactDeep(value: unknown, extra: readonly string[] | undefined, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redact(value, extra);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, extra, seen));
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = isSecretHeader(key) ? REDACTED : redactDeep(item, extra, seen);
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
