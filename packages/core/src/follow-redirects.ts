import { isLoopbackHost } from './config.js';
import { isSecretHeader } from './redact.js';
import { type CrossOriginRedirects, isRedirect, MAX_REDIRECTS, REDIRECT_STATUSES } from './redirects.js';
import { RedirectError } from './refusal-errors.js';
import type { Fetch } from './request-options.js';

// Credentials besides those `isSecretHeader` knows (the service's auth header is registered there).
const CREDENTIAL_HEADERS = /^(cf-access-client-(secret|id)|x-api-key|api-key|authorization|proxy-authorization|cookie)$/i;
// The headers that describe a body (Fetch standard "request-body-header name"), dropped with it.
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * Follow the redirects of `first`, the answer to `request` (or to the request `request()` builds:
 * a caller that sent a URL and an init builds it only when there is a redirect) sent with
 * `redirect: 'manual'`, by the rules of `withRedirects`; each hop goes through `fetch`. A module of
 * its own, which `afterRedirect` loads on the first redirect, so a bundle carries it in a chunk.
 */
export async function followRedirects(
  first: Response,
  request: Request | (() => Request),
  init: RequestInit | undefined,
  fetch: Fetch,
  crossOrigin: CrossOriginRedirects = 'error',
): Promise<Response> {
  if (!isRedirect(first)) return first;
  let response = first;
  let current: Request = typeof request === 'function' ? request() : request;
  const origin = new URL(current.url).origin;
  let body = init?.body ?? (current.body === null ? null : undefined);
  for (let hops = 0; ; hops++) {
    if (response.type === 'opaqueredirect')
      throw new RedirectError({ message: 'The server answered with a redirect that this runtime does not let a script read or check.' });
    const { status } = response;
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(status) || location === null) return response;
    response.body?.cancel().catch(() => {});
    let target: URL;
    try {
      target = new URL(location, response.url || current.url);
    } catch {
      throw new RedirectError({ message: `The server redirected to an invalid URL (${status}).`, status });
    }
    const refuse = (why: string): never => {
      throw new RedirectError({
        message: `Refused to follow a ${status} redirect of ${current.method}: ${why}.`,
        status,
        location: target.href,
      });
    };
    if (hops >= MAX_REDIRECTS) refuse(`more than ${MAX_REDIRECTS} redirects`);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') refuse(`${target.protocol} is not http(s)`);
    if (target.protocol === 'http:' && new URL(current.url).protocol === 'https:' && !isLoopbackHost(target.hostname))
      refuse('it goes from https to plain http on a non-loopback host');
    const headers = new Headers(current.headers);
    if (target.origin !== origin) {
      if (crossOrigin !== 'strip-credentials') refuse(`it goes to another origin (${target.origin})`);
      for (const name of [...headers.keys()]) if (isSecretHeader(name) || CREDENTIAL_HEADERS.test(name)) headers.delete(name);
    }
    let method = current.method;
    if (status === 303 || ((status === 301 || status === 302) && method !== 'GET' && method !== 'HEAD')) {
      // fetch would silently send a write answered 301/302 on as a GET: the write would be lost.
      if (status !== 303) refuse('a write is not turned into a GET');
      if (method !== 'HEAD') method = 'GET';
      body = null;
      for (const name of BODY_HEADERS) headers.delete(name);
    } else if (body === undefined) {
      refuse('the request body cannot be sent again');
    }
    const signal = init?.signal ?? current.signal;
    current = new Request(target, { method, headers, body: body ?? null, signal, redirect: 'manual' });
    response = await fetch(current, { signal, redirect: 'manual' });
  }
}
