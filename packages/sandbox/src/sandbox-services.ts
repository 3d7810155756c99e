import { createMiddlemanMock, jobsService, MIDDLEMAN_MOCK_API_KEY } from '@trainwire/jobs/msw';
import type { SandboxMock, SandboxService } from './sandbox-service.js';

/** Define a service entry, keeping its mock's own type (so `sandbox.mocks.<name>.state` is typed). */
function defineService<Mock extends SandboxMock>(service: SandboxService<Mock>): SandboxService<Mock> {
  return service;
}

/**
 * Every service the sandbox serves by default, keyed by the path prefix it is served under.
 * Each entry names the service package's mock factory and operation table (its `./msw` export),
 * so the sandbox serves exactly the handlers the package's tests use.
 */
export const sandboxServices = {
  jobs: defineService({
    title: 'Middleman',
    definition: jobsService,
    apiKey: MIDDLEMAN_MOCK_API_KEY,
    outsideSpec: ['/_storage/'],
    createMock: ({ baseURL, apiKey, seed, speed }) => createMiddlemanMock({ baseURL, apiKey, seed, speed }),
    env: ({ baseURL, apiKey }) => ({ MIDDLEMAN_API_URL: baseURL, MIDDLEMAN_API_KEY: apiKey }),
  }),
};

/** The name of a service the sandbox serves by default. */
export type SandboxServiceName = keyof typeof sandboxServices;
