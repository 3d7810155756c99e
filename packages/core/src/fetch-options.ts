import type { Fetch } from './request-options.js';

/**
 * Extra fields for every `fetch` init, e.g. `{ dispatcher: new Agent(...) }` (an undici
 * dispatcher on Node) or `{ cache: 'no-store' }`. The request's own method, headers, body and
 * signal always win: use the `headers` option for headers.
 */
export type FetchOptions = Omit<RequestInit, 'method' | 'headers' | 'body' | 'signal'> & Record<string, unknown>;

const OWN = ['method', 'headers', 'body', 'signal'];

/**
 * `options` merged left to right, without the request's own fields (method, headers, body,
 * signal); undefined when nothing is left. What {@link withFetchOptions} and the transport put
 * under every init (the transport sets each init's redirect mode after them).
 */
export function fetchInitOptions(...options: (FetchOptions | undefined)[]): Record<string, unknown> | undefined {
  const merged: Record<string, unknown> = Object.assign({}, ...options);
  for (const name of OWN) delete merged[name];
  return Object.keys(merged).length === 0 ? undefined : merged;
}

/** `fetch` with `options` (merged left to right) under every init; `fetch` itself when there are none. */
export function withFetchOptions(fetch: Fetch, ...options: (FetchOptions | undefined)[]): Fetch {
  const merged = fetchInitOptions(...options);
  if (!merged) return fetch;
  return (request, init) => fetch(request, { ...merged, ...init } as RequestInit);
}
