// Statuses whose Response may not have a body (the constructor throws if given one).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A copy of `response` with the whole body already read into memory, so that a body cut short
 * or stalled fails here, inside the attempt, rather than later in the caller's parser. With
 * `capture`, the bytes go to it and the copy has no body (cheaper than putting them back in one).
 */
export async function bufferedResponse(response: Response, capture?: (bytes: Uint8Array) => void): Promise<Response> {
  // `new Response` rejects 1xx statuses; fetch does not hand them out, but a custom fetch might.
  if (response.status < 200) return response;
  const bytes = response.body === null ? null : await response.arrayBuffer();
  if (capture) capture(bytes === null ? new Uint8Array(0) : new Uint8Array(bytes));
  const copy = new Response(capture || NULL_BODY.has(response.status) ? null : bytes, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // The constructor cannot set `url`; keep it for the error messages that quote it.
  if (response.url) Object.defineProperty(copy, 'url', { value: response.url });
  return copy;
}
