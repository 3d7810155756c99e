import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy that serves `target` (a URL with a path, e.g. the sandbox's `/runicorn`) at the
 * root: `runicorn.api` builds every URL with `urljoin(base, "/api/...")`, dropping any path of its
 * base URL (a listed upstream defect), so it cannot be pointed at a service under a prefix.
 */
export async function startPrefixProxy(target: string): Promise<{ origin: string; close(): Promise<void> }> {
  const base = new URL(target);
  const prefix = base.pathname.replace(/\/$/, '');
  const server = createServer((incoming, outgoing) => {
    const forwarded = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: incoming.method,
        path: `${prefix}${incoming.url ?? '/'}`,
        headers: { ...incoming.headers, host: base.host },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
