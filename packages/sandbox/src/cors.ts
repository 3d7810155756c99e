import type { IncomingMessage, ServerResponse } from 'node:http';

const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * Headers that let any page read any sandbox response, including its headers (`Retry-After`,
 * request ids). Keys travel in headers, not cookies, so the wildcards apply (they do not for
 * credentialed requests: https://fetch.spec.whatwg.org/#http-access-control-expose-headers).
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': '*',
};

/**
 * Answer a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) with 204, allowing the
 * method and every header the browser asks for (`*` alone would not cover `Authorization`).
 * Returns false when the request is not a preflight.
 */
export function answerPreflight(incoming: IncomingMessage, outgoing: ServerResponse): boolean {
  const method = incoming.headers['access-control-request-method'];
  if (incoming.method !== 'OPTIONS' || !method) return false;
  outgoing.writeHead(204, {
    ...CORS_HEADERS,
    'access-control-allow-methods': METHODS,
    'access-control-allow-headers': incoming.headers['access-control-request-headers'] ?? '*',
    'access-control-max-age': '600',
    'content-length': '0',
  });
  outgoing.end();
  return true;
}
