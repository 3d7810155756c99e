// A module of its own: `capped` loads it with the first streamed body it hands out unread (and the
// first redirect hop), so a bundle of buffered calls does not carry it.
// The ways to read a body; those the runtime has are rerouted through the tracked body.
const READERS = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'] as const;

/**
 * Make `response` (the same object, so callers may compare it with what their fetch returned)
 * call `release` once its body ends, is cancelled or errors: its `body` becomes a stream that reads
 * the original one (taken on first use), and its reading methods and `clone` go through that stream.
 */
export function releasedWhenRead(response: Response, release: () => void): void {
  const original = response.body as ReadableStream<Uint8Array>;
  let tracked: ReadableStream<Uint8Array> | undefined;
  const body = (): ReadableStream<Uint8Array> => {
    if (tracked) return tracked;
    const reader = original.getReader();
    tracked = new ReadableStream<Uint8Array>(
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
    return tracked;
  };
  // A Response over the tracked body that reads it as `response` would (same headers, so a form's boundary).
  const reading = () => new Response(body(), response);
  const own: PropertyDescriptorMap = {
    body: { get: body, configurable: true },
    clone: {
      value: () => {
        const [mine, theirs] = body().tee();
        tracked = mine;
        // The constructor cannot set `url`, which messages quote.
        return Object.defineProperty(new Response(theirs, response), 'url', { value: response.url });
      },
      configurable: true,
    },
  };
  for (const name of READERS) {
    if (typeof response[name as keyof Response] === 'function')
      // A body already read or locked rejects as the runtime's own Response does (a TypeError).
      own[name] = { value: async () => (reading() as unknown as Record<string, () => Promise<unknown>>)[name]?.(), configurable: true };
  }
  Object.defineProperties(response, own);
}
