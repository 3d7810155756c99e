import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** One request a {@link startLoopbackServer} received, with its body read. */
export interface ArrivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** `Date.now()` when it arrived. */
  at: number;
}

/**
 * A real HTTP server on 127.0.0.1 (port 0) for attack-style tests: `answer` plays the hostile or
 * broken server, and every request that arrives is recorded, so a test can assert what was sent
 * and also that nothing was. `close()` ends open connections too.
 */
export async function startLoopbackServer(
  answer: (request: ArrivedRequest, response: ServerResponse, origin: string) => void | Promise<void>,
): Promise<{ url: string; requests: ArrivedRequest[]; close: () => Promise<void> }> {
  const requests: ArrivedRequest[] = [];
  let origin = '';
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const arrived = {
      method: incoming.method ?? '',
      url: incoming.url ?? '',
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: Date.now(),
    };
    requests.push(arrived);
    try {
      await answer(arrived, outgoing, origin);
    } catch (error) {
      outgoing.destroy(error as Error);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answer with a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** A started {@link startLoopbackServer}. */
export type LoopbackServer = Awaited<ReturnType<typeof startLoopbackServer>>;

/** For a test file: `serve(answer)` starts a loopback server that is closed after each test. */
export function useLoopbackServers(): (answer: Parameters<typeof startLoopbackServer>[0]) => Promise<LoopbackServer> {
  const open: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (answer) => {
    const server = await startLoopbackServer(answer);
    open.push(server);
    return server;
  };
}
