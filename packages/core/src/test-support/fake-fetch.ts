import type { Fetch } from '../request-options.js';

/** One call the fake fetch received, with its body read. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/**
 * A `fetch` that answers from `script` (one entry per call; the last repeats) and records every
 * request it was given.
 */
export function fakeFetch(script: Array<Response | Error | ((request: Request) => Response | Promise<Response>)>) {
  const seen: SeenRequest[] = [];
  const fetch: Fetch = async (request) => {
    seen.push({ method: request.method, url: request.url, headers: new Headers(request.headers), body: await request.clone().text() });
    const next = script[Math.min(seen.length - 1, script.length - 1)];
    if (next instanceof Error) throw next;
    if (typeof next === 'function') return next(request);
    return (next as Response).clone();
  };
  return { fetch, seen };
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
