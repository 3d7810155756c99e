import type { ServiceDefinition } from '@trainwire/core';
import type { RequestHandler } from 'msw';

/** What the sandbox passes to every mock factory (the mock contract of every service package). */
export interface SandboxMockOptions {
  /** Where the sandbox serves the service, e.g. `http://127.0.0.1:4010/tinker`. */
  baseURL: string;
  /** The key the mock accepts; absent for a service without auth (the Runicorn viewer). */
  apiKey?: string;
  /** Seed of the data the mock starts with. */
  seed: number;
  /** Scale of simulated time (2 = jobs progress twice as fast). */
  speed: number;
}

/** A mock as service packages build it: msw handlers and the state they act on. */
export interface SandboxMock {
  handlers: RequestHandler[];
  state: unknown;
}

/**
 * How the real service answers a request the sandbox refuses on its behalf, when that is not the
 * sandbox's own `{ error }` envelope (a FastAPI server answers 422 `{"detail": [...]}` for an invalid
 * parameter, and `{"detail": "Not Found"}` for an unknown path). Each answer is sent as it is.
 */
export interface ServiceRejection {
  /** The path, query, header or body values that break the spec, each named by location (`query.limit`). */
  invalid(issues: { path: string; reason: string }[]): Response;
  /** No operation has this path. */
  notFound?(): Response;
  /** The path is served under other methods. */
  methodNotAllowed?(allowed: string[]): Response;
}

/**
 * One service the sandbox can serve: its spec's operation table (to check requests and
 * responses), its mock factory and the environment variables that point its SDK at the sandbox.
 */
export interface SandboxService<Mock extends SandboxMock = SandboxMock> {
  /** The name people know the service by (`Tinker`). */
  title: string;
  /** The generated operation table of the service's spec. */
  definition: ServiceDefinition;
  /** The key the sandbox gives the mock and prints in the env lines; none for a service without auth. */
  apiKey?: string;
  /** Build the mock (the same factory the package's `./msw` export offers to tests). */
  createMock(options: SandboxMockOptions): Mock;
  /**
   * Path prefixes below the base URL that the mock serves outside the spec, e.g. `['/_storage/']`
   * for presigned upload URLs: passed to the mock as they are, unchecked (faults still apply).
   */
  outsideSpec?: readonly string[];
  /** How the real service words its refusals; absent: the sandbox's `{ error }` envelope with 400/404/405. */
  rejection?: ServiceRejection;
  /** The env lines that point the SDK and CLI at the served mock (`TINKER_BASE_URL`, `TINKER_API_KEY`...). */
  env(baseURL: string): Record<string, string>;
}
