import { conformanceService, createConformanceMock } from '@trainwire/conformance/msw';
import type { SandboxMock, SandboxService } from './sandbox-service.js';

/** Define a service entry, keeping its mock's own type (so `sandbox.mocks.<name>.state` is typed). */
function defineService<Mock extends SandboxMock>(service: SandboxService<Mock>): SandboxService<Mock> {
  return service;
}

/**
 * Every service the sandbox serves by default, keyed by the path prefix it is served under.
 * Each entry names the service package's mock factory and operation table, so the sandbox
 * serves exactly the handlers the package's tests use.
 */
export const sandboxServices = {
  conformance: defineService({
    title: 'Conformance',
    definition: conformanceService,
    apiKey: 'cf-sandbox-key',
    createMock: ({ baseURL, apiKey }) => createConformanceMock({ baseURL, apiKey }),
    env: ({ baseURL, apiKey }) => ({ CONFORMANCE_BASE_URL: baseURL, CONFORMANCE_API_KEY: apiKey }),
  }),
};

/** The name of a service the sandbox serves by default. */
export type SandboxServiceName = keyof typeof sandboxServices;
