/** The server's id of a request: `x-request-id` (every trainwire service and mock), else `request-id`. */
export function requestIdFrom(headers: Headers | undefined): string | undefined {
  return headers?.get('x-request-id') ?? headers?.get('request-id') ?? undefined;
}
