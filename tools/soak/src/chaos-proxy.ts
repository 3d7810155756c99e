import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom } from '@trainwire/core';

/** What the proxy can do to one request instead of passing it through untouched. */
export type FaultKind = 'reset-before' | 'reset-after' | '429' | '500' | '502' | '503' | 'stall' | 'truncate';

export const ALL_FAULTS: readonly FaultKind[] = ['reset-before', 'reset-after', '429', '500', '502', '503', 'stall', 'truncate'];

/** Options of {@link startChaosProxy}. */
export interface ChaosProxyOptions {
  /** The upstream origin every request is forwarded to, e.g. the sandbox. */
  target: string;
  /** Seed of the fault draws; the same seed and the same arrival order give the same faults. */
  seed: number;
  /** Probability that a request gets a fault. */
  rate: number;
  /** @default every kind */
  kinds?: readonly FaultKind[];
  /** How long a stalled request is held before its socket is dropped. @default 3000 */
  stallMs?: number;
  /** The `Retry-After` (seconds) of an injected 429. @default 1 */
  retryAfterSeconds?: number;
  /** Requests for which this returns false always pass (e.g. the test's own verification reads). */
  eligible?: (method: string, path: string) => boolean;
}

/** A running proxy: its URL, what it did, and how to stop it. */
export interface ChaosProxy {
  url: string;
  /** How many requests got each fault, and how many passed untouched. */
  counts(): Record<FaultKind | 'passed', number>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

function forwardHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) result[name] = value;
  }
  return result;
}

/**
 * Start an HTTP proxy on loopback that forwards to `target` and, at random with a fixed seed,
 * resets connections before or after the request reaches the server, answers 429 with
 * `Retry-After`, 500/502 (an HTML page, as a real proxy sends)/503, stalls until the client gives
 * up, or cuts the response body short.
 */
export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  const kinds = options.kinds ?? ALL_FAULTS;
  const stallMs = options.stallMs ?? 3000;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const counts = Object.fromEntries([...ALL_FAULTS, 'passed'].map((kind) => [kind, 0])) as Record<FaultKind | 'passed', number>;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const draw = (method: string, path: string): FaultKind | undefined => {
    if (options.eligible && !options.eligible(method, path)) return undefined;
    if (random() >= options.rate) return undefined;
    return kinds[Math.floor(random() * kinds.length)];
  };

  const answer = (response: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
    response.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
    response.end(body);
  };

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, fault: FaultKind | undefined) => {
    const upstream = httpRequest(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...forwardHeaders(incoming.headers), host: target.host },
        agent,
      },
      (reply) => {
        if (fault === 'reset-after') {
          // The server has applied the request; the client never learns the outcome.
          reply.resume();
          reply.on('end', () => incoming.socket.destroy());
          return;
        }
        const headers = forwardHeaders(reply.headers);
        outgoing.writeHead(reply.statusCode ?? 502, headers);
        if (fault !== 'truncate') {
          reply.pipe(outgoing);
          return;
        }
        // Send part of the body under the full Content-Length, then drop the connection.
        const declared = Number(reply.headers['content-length'] ?? Number.NaN);
        const cut = Number.isFinite(declared) && declared > 1 ? Math.max(1, Math.floor(declared * random())) : 1;
        let sent = 0;
        reply.on('data', (chunk: Buffer) => {
          if (sent >= cut) return;
          const part = chunk.subarray(0, cut - sent);
          sent += part.length;
          outgoing.write(part);
          if (sent >= cut) {
            reply.destroy();
            outgoing.flushHeaders();
            setImmediate(() => incoming.socket.destroy());
          }
        });
        reply.on('end', () => incoming.socket.destroy());
      },
    );
    upstream.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstream);
  };

  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const fault = draw(method, path);
    counts[fault ?? 'passed'] += 1;
    switch (fault) {
      case 'reset-before':
        incoming.socket.destroy();
        return;
      case '429':
        incoming.resume();
        answer(outgoing, 429, JSON.stringify({ detail: 'rate limited by chaos proxy' }), {
          'content-type': 'application/json',
          'retry-after': retryAfter,
        });
        return;
      case '500':
      case '503':
        incoming.resume();
        answer(outgoing, Number(fault), JSON.stringify({ detail: `chaos proxy ${fault}` }), { 'content-type': 'application/json' });
        return;
      case '502':
        incoming.resume();
        answer(outgoing, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', { 'content-type': 'text/html' });
        return;
      case 'stall': {
        incoming.resume();
        const timer = setTimeout(() => {
          timers.delete(timer);
          incoming.socket.destroy();
        }, stallMs);
        timers.add(timer);
        return;
      }
      default:
        forward(incoming, outgoing, fault);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
