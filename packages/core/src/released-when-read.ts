/**
 * A copy of `response` whose body calls `release` once it ends, is cancelled or errors: how `capped`
 * holds a slot of the connection cap for a body it hands out unread (a module of its own, loaded with
 * the first such body).
 */
export function releasedWhenRead(response: Response, release: () => void): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          release();
          controller.error(error);
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  // The constructor cannot set these; messages quote `url`, the redirect loop reads `type`.
  Object.defineProperties(copy, {
    url: { value: response.url },
    type: { value: response.type },
    redirected: { value: response.redirected },
  });
  return copy;
}
