// Serves msw request handlers over real HTTP on loopback, with optional fault injection.
import { createServer } from 'node:http';
import { getResponse } from 'msw';

/**
 * Start a node:http server that answers with `handlers` (the same msw handlers the tests use).
 * `fault(request, count)` may return 'reset' (destroy the socket), a Response to send instead, or
 * undefined to answer normally.
 */
export async function serveHandlers(handlers, { fault } = {}) {
  let count = 0;
  const server = createServer(async (incoming, outgoing) => {
    count += 1;
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const url = `http://${incoming.headers.host}${incoming.url}`;
    const request = new Request(url, { method: incoming.method, headers: incoming.headers, body: body?.length ? body : undefined });
    const injected = fault?.(request, count);
    if (injected === 'reset') {
      incoming.socket.destroy();
      return;
    }
    const response =
      injected ??
      (await getResponse(handlers, request)) ??
      Response.json({ error: { code: 'no_route', message: `${request.method} ${url}` } }, { status: 404 });
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
