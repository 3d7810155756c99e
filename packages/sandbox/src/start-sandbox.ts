import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOperationMatcher, REQUEST_ID_HEADER, RequestIds } from '@trainwire/core/mock-kit';
import { answerPreflight, CORS_HEADERS } from './cors.js';
import type { FaultKind } from './fault.js';
import type { FaultOptions } from './fault-options.js';
import { createFaultPlan } from './fault-plan.js';
import type { MountedService } from './mounted-service.js';
import type { SandboxRequestEntry, SpecViolation } from './request-scope.js';
import type { SandboxService } from './sandbox-service.js';
import { type SandboxServices, sandboxServices } from './sandbox-services.js';
import { sendSandboxError } from './send-sandbox-error.js';
import { serveServiceRequest } from './serve-service-request.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions<Services extends Record<string, SandboxService>> {
  /** The port to listen on; 0 picks a free one (read it from `sandbox.port`). @default 0 */
  port?: number;
  /** The loopback address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Seed of every mock's starting data and of the random faults. @default 1 */
  seed?: number;
  /** Scale of simulated time in the mocks (2 = twice as fast). @default 1 */
  speed?: number;
  /** Faults injected at random into service requests. @default no random faults */
  faults?: FaultOptions;
  /** The services to serve, by the path prefix they are served under. @default every trainwire service (`sandboxServices`) */
  services?: Services;
  /** Called once per service request, when its answer is sent (or its connection dropped). */
  onRequest?: (entry: SandboxRequestEntry) => void;
  /** Largest JSON request body read into memory to be checked; larger ones get 413. @default 64 MiB */
  maxJsonBodyBytes?: number;
}

/** A running sandbox: where each service is served, its mock's state, counters, and `close`. */
export interface Sandbox<Services extends Record<string, SandboxService> = SandboxServices> {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Each service's base URL, e.g. `urls.tinker` = `http://127.0.0.1:PORT/tinker`. */
  urls: { [Name in keyof Services]: string };
  /** The environment that points the SDKs and the CLIs at the sandbox (`TINKER_BASE_URL`, `TINKER_API_KEY`...). */
  env: Record<string, string>;
  /** Each service's mock, as its factory returned it: `mocks.jobs.state` is live. */
  mocks: { [Name in keyof Services]: ReturnType<Services[Name]['createMock']> };
  /** Requests received so far, by service. */
  requests(): { [Name in keyof Services]: number };
  /** Faults injected so far, by kind. */
  faults(): Record<FaultKind, number>;
  /** Replace the random faults while running, e.g. on for one step of a demo (`undefined` turns them off); counts carry on. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Every response a mock sent that broke its spec. */
  violations(): SpecViolation[];
  /** Stop listening and drop every open connection; resolves once the port is free. */
  close(): Promise<void>;
}

/**
 * Serve the mocks of the trainwire services over HTTP on one loopback port, each under its own
 * path prefix (`/tinker`, `/tensafe`, `/metrics`, `/runicorn`, `/jobs`), with every request and
 * response checked against the service's spec and optional fault injection.
 *
 * @example
 * const sandbox = await startSandbox({ seed: 7 });
 * const tinker = new ServiceClient({ baseURL: sandbox.urls.tinker, apiKey: sandbox.env.TINKER_API_KEY });
 * await sandbox.close();
 */
export async function startSandbox<Services extends Record<string, SandboxService> = SandboxServices>(
  options: SandboxOptions<Services> = {},
): Promise<Sandbox<Services>> {
  const services = (options.services ?? sandboxServices) as Services;
  const seed = options.seed ?? 1;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}.`);
  for (const name of Object.keys(services)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      throw new RangeError(`A service name must be a lower-case path segment, got ${JSON.stringify(name)}.`);
  }
  const checkFaults = (faults: FaultOptions | undefined) => {
    const unknown = (faults?.services ?? []).filter((name) => !(name in services));
    if (unknown.length > 0) throw new RangeError(`Fault services must be served services; not served: ${unknown.join(', ')}.`);
    return faults;
  };
  const plan = createFaultPlan(checkFaults(options.faults), seed);
  // Every answer carries an x-request-id: the mock's own when it sends one, else this one (the sandbox's
  // own errors, and mocks that send none), deterministic under the seed like the mocks' ids.
  const requestIds = new RequestIds({ seed, prefix: 'req_sandbox_', length: 16 });
  const violations: SpecViolation[] = [];
  const mounted = new Map<string, MountedService>();
  const requests = new Map<string, number>();
  const urls: Record<string, string> = {};
  const mocks: Record<string, unknown> = {};
  const env: Record<string, string> = {};
  let origin = '';
  const context = {
    plan,
    maxJsonBodyBytes: options.maxJsonBodyBytes ?? 64 * 1024 * 1024,
    violation: (violation: SpecViolation) => violations.push(violation),
    log: (entry: SandboxRequestEntry) => options.onRequest?.(entry),
  };

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) sendSandboxError(outgoing, 500, 'sandbox_error', `The sandbox failed: ${(error as Error).message}`);
      else outgoing.destroy();
    });
  });
  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (answerPreflight(incoming, outgoing)) return;
    for (const [name, value] of Object.entries(CORS_HEADERS)) outgoing.setHeader(name, value);
    outgoing.setHeader(REQUEST_ID_HEADER, requestIds.next());
    const url = new URL(incoming.url ?? '/', origin);
    const name = url.pathname.split('/')[1] ?? '';
    const target = mounted.get(name);
    if (target) {
      requests.set(name, (requests.get(name) ?? 0) + 1);
      return serveServiceRequest(target, url, incoming, outgoing, context);
    }
    if (url.pathname === '/' && (incoming.method === 'GET' || incoming.method === 'HEAD')) {
      const body = JSON.stringify({ services: urls, requests: Object.fromEntries(requests), faults: plan.counts() });
      outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      return void outgoing.end(body);
    }
    const prefixes = [...mounted.keys()].map((item) => `/${item}`).join(', ');
    sendSandboxError(
      outgoing,
      404,
      'sandbox_no_service',
      `No service at ${incoming.method} ${url.pathname}: the sandbox serves ${prefixes}.`,
    );
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  origin = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  try {
    for (const [name, service] of Object.entries(services)) {
      const baseURL = `${origin}/${name}`;
      const mock = service.createMock({ baseURL, ...(service.apiKey !== undefined && { apiKey: service.apiKey }), seed, speed });
      mounted.set(name, { name, service, mock, baseURL, match: createOperationMatcher(service.definition) });
      requests.set(name, 0);
      urls[name] = baseURL;
      mocks[name] = mock;
      Object.assign(env, service.env(baseURL));
    }
  } catch (error) {
    server.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    port,
    urls: urls as Sandbox<Services>['urls'],
    env,
    mocks: mocks as Sandbox<Services>['mocks'],
    requests: () => Object.fromEntries(requests) as ReturnType<Sandbox<Services>['requests']>,
    faults: () => plan.counts(),
    setFaults: (faults) => plan.configure(checkFaults(faults)),
    violations: () => [...violations],
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
