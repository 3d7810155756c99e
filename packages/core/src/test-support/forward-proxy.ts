import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What the proxy was asked: the request line target and the headers it saw (not those inside a tunnel). */
export interface ProxiedRequest {
  method: string;
  target: string;
  headers: Record<string, string | string[] | undefined>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

/**
 * A real HTTP forward proxy on loopback: absolute-URI requests are forwarded, CONNECT opens a
 * tunnel. It records what it was asked.
 */
export async function startForwardProxy() {
  const seen: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((incoming, outgoing) => {
    seen.push({ method: incoming.method ?? '', target: incoming.url ?? '', headers: incoming.headers });
    const url = new URL(incoming.url ?? '');
    const upstream = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  server.on('connect', (incoming, client: Socket) => {
    seen.push({ method: 'CONNECT', target: incoming.url ?? '', headers: incoming.headers });
    const [host, port] = (incoming.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
  });
  const url = await listen(server);
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback origin answering every request with JSON `{ path, apiKey }` and an `x-request-id`. */
export async function startOrigin() {
  let count = 0;
  const server = createServer((incoming, outgoing) => {
    outgoing.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `origin-${++count}` });
    outgoing.end(JSON.stringify({ id: 'w1', name: incoming.url ?? '', size: null }));
  });
  const url = await listen(server);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
