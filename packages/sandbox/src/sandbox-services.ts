import { createMiddlemanMock, jobsService, MIDDLEMAN_MOCK_API_KEY } from '@trainwire/jobs/msw';
import { createTenSafeMock, createTinkerMock, tensafeService, tinkerService } from '@trainwire/tinker/msw';
import type { SandboxMock, SandboxService } from './sandbox-service.js';

/** Define a service entry, keeping its mock's own type (so `sandbox.mocks.<name>.state` is typed). */
function defineService<Mock extends SandboxMock>(service: SandboxService<Mock>): SandboxService<Mock> {
  return service;
}

/** The tenant of the sandbox's TenSafe key (the SDK needs it to decrypt artifacts). */
const TENSAFE_TENANT = 'tenant-sandbox';

/**
 * Every service the sandbox serves by default, keyed by the path prefix it is served under.
 * Each entry names the service package's mock factory and operation table (its `./msw` export),
 * so the sandbox serves exactly the handlers the package's tests use.
 */
export const sandboxServices = {
  tinker: defineService({
    title: 'Tinker',
    definition: tinkerService,
    apiKey: 'tml-mock-key',
    createMock: ({ baseURL, apiKey, seed, speed }) => createTinkerMock({ baseURL, apiKey, seed, speed }),
    env: ({ baseURL, apiKey }) => ({ TINKER_BASE_URL: baseURL, TINKER_API_KEY: apiKey }),
  }),
  tensafe: defineService({
    title: 'TenSafe',
    definition: tensafeService,
    apiKey: 'ts-test-key',
    createMock: ({ baseURL, apiKey, seed, speed }) => createTenSafeMock({ baseURL, apiKey, tenantId: TENSAFE_TENANT, seed, speed }),
    env: ({ baseURL, apiKey }) => ({ TS_BASE_URL: baseURL, TS_API_KEY: apiKey, TS_TENANT_ID: TENSAFE_TENANT }),
  }),
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
