import type { RedirectError } from './refusal-errors.js';
import type { Fetch } from './request-options.js';

/**
 * What a redirect to another origin does: `'error'` throws {@link RedirectError}; `'strip-credentials'`
 * (a service declares it with `x-cross-origin-redirects`, e.g. an API that redirects downloads to
 * its storage) follows it without any credential header.
 */
export type CrossOriginRedirects = 'error' | 'strip-credentials';

/** Redirects followed for one request before {@link RedirectError}. */
export const MAX_REDIRECTS = 10;

/** The statuses of a redirect a Location goes with. */
export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Wrap `fetch` so redirects are followed here rather than by fetch (which sends every header but
 * `Authorization` to any origin): same-origin hops are followed, up to {@link MAX_REDIRECTS}; 307/308
 * keep the method and the body, 303 (and 301/302 of a GET or HEAD) go on as a GET without a body; a
 * write answered 301/302, a cross-origin hop (unless `crossOrigin` is `'strip-credentials'`), an
 * https → http hop to a non-loopback host, and a body that cannot be sent again are a
 * {@link RedirectError}. A request made with `redirect: 'manual'` gets its 3xx back as it is.
 */
export function withRedirects(fetch: Fetch, crossOrigin: CrossOriginRedirects = 'error'): Fetch {
  return async (request, init) => {
    const mode = init?.redirect ?? request.redirect;
    // The caller reads the 3xx itself (e.g. a Location that is the answer).
    if (mode === 'manual') return fetch(request, init);
    // A one-shot stream body goes with `redirect: 'error'` (see STREAMED_BODY_INIT): fetch refuses the redirect.
    if (mode === 'error') return fetch(request, init).catch(streamRedirectRefused);
    return afterRedirect(await fetch(request, { ...init, redirect: 'manual' }), request, init, fetch, crossOrigin);
  };
}

/** Whether `response` is a redirect that `followRedirects` would act on (cheap; no URL parsing). */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (REDIRECT_STATUSES.has(response.status) && response.headers.has('location'));
}

/**
 * A fetch error of a request sent with `redirect: 'error'` (a one-shot stream body) that the server
 * redirected, as a {@link RedirectError}; any other error is thrown as it is.
 */
export async function streamRedirectRefused(error: unknown): Promise<never> {
  if ((error as { cause?: { message?: unknown } } | null)?.cause?.message !== 'unexpected redirect') throw error;
  const { RedirectError } = await import('./refusal-errors.js');
  throw new RedirectError({ message: 'The server answered a streamed request body with a redirect; a stream cannot be sent again.' });
}

/**
 * `first` when it is no redirect; else the end of its redirects, followed by `followRedirects`
 * (a module of its own, loaded by the first redirect) with the rules of {@link withRedirects}.
 * `request` is the request `first` answers (sent with `redirect: 'manual'`), or a function that
 * builds it (a caller that sent a URL and an init builds it only when there is a redirect).
 */
export async function afterRedirect(
  first: Response,
  request: Request | (() => Request),
  init: RequestInit | undefined,
  fetch: Fetch,
  crossOrigin?: CrossOriginRedirects,
): Promise<Response> {
  if (!isRedirect(first)) return first;
  const { followRedirects } = await import('./follow-redirects.js');
  return followRedirects(first, request, init, fetch, crossOrigin);
}
