import { createHash } from 'node:crypto';
import { createMiddlemanMock, jobsService, MIDDLEMAN_MOCK_API_KEY } from '@trainwire/jobs/msw';
import { createMetricsMock, createRunicornMock, metricsService, runicornRejection, runicornService } from '@trainwire/metrics/msw';
import { createTenSafeMock, createTinkerMock, tensafeRejection, tensafeService, tinkerService } from '@trainwire/tinker/msw';
import type { SandboxService } from './sandbox-service.js';

/** The services the sandbox serves by default, each typed with its own mock (so `sandbox.mocks.jobs.state` is typed). */
// A type, not an interface: it must fit `Record<string, SandboxService>`, which needs an implicit index signature.
export type SandboxServices = {
  tinker: SandboxService<ReturnType<typeof createTinkerMock>>;
  tensafe: SandboxService<ReturnType<typeof createTenSafeMock>>;
  metrics: SandboxService<ReturnType<typeof createMetricsMock>>;
  runicorn: SandboxService<ReturnType<typeof createRunicornMock>>;
  jobs: SandboxService<ReturnType<typeof createMiddlemanMock>>;
};

// The keys each mock accepts by default (documented in each package's README).
const TINKER_KEY = 'tml-mock-key';
const TENSAFE_KEY = 'ts-test-key';
/**
 * The tenant of the TenSafe key, derived as the server and the SDK derive it (`tenant-` + the first 8
 * hex of its SHA-256), so artifacts decrypt whether or not `TS_TENANT_ID` is set.
 */
const TENSAFE_TENANT = `tenant-${createHash('sha256').update(TENSAFE_KEY).digest('hex').slice(0, 8)}`;
const SYVAIN_KEY = 'ak_org_trainwire_test';

/**
 * Every service the sandbox serves by default, keyed by the path prefix it is served under.
 * Each entry names the service package's mock factory and operation table (its `./msw` export),
 * so the sandbox serves exactly the handlers the package's tests use.
 */
export const sandboxServices: SandboxServices = {
  tinker: {
    title: 'Tinker',
    definition: tinkerService,
    apiKey: TINKER_KEY,
    createMock: ({ baseURL, apiKey, seed, speed }) => createTinkerMock({ baseURL, apiKey, seed, speed }),
    env: (baseURL) => ({ TINKER_BASE_URL: baseURL, TINKER_API_KEY: TINKER_KEY }),
  },
  tensafe: {
    title: 'TenSafe',
    definition: tensafeService,
    apiKey: TENSAFE_KEY,
    // The server is FastAPI (pydantic 2): an invalid parameter or body is its 422, an unknown route its {"detail": "Not Found"}.
    rejection: tensafeRejection,
    createMock: ({ baseURL, apiKey, seed, speed }) => createTenSafeMock({ baseURL, apiKey, tenantId: TENSAFE_TENANT, seed, speed }),
    env: (baseURL) => ({ TS_BASE_URL: baseURL, TS_API_KEY: TENSAFE_KEY, TS_TENANT_ID: TENSAFE_TENANT }),
  },
  metrics: {
    title: 'Syvain Metrics',
    definition: metricsService,
    apiKey: SYVAIN_KEY,
    createMock: ({ baseURL, apiKey, seed, speed }) => createMetricsMock({ baseURL, apiKey, seed, speed }),
    env: (baseURL) => ({ SYVAIN_METRICS_HOST: baseURL, SYVAIN_METRICS_API_KEY: SYVAIN_KEY }),
  },
  // The viewer has no authentication, so there is no key.
  runicorn: {
    title: 'Runicorn',
    definition: runicornService,
    // The viewer is FastAPI: an invalid parameter is its 422, an unknown route its {"detail": "Not Found"}.
    rejection: runicornRejection,
    createMock: ({ baseURL, seed, speed }) => createRunicornMock({ baseURL, seed, speed }),
    env: (baseURL) => ({ RUNICORN_BASE_URL: baseURL }),
  },
  jobs: {
    title: 'Middleman',
    definition: jobsService,
    apiKey: MIDDLEMAN_MOCK_API_KEY,
    outsideSpec: ['/_storage/'],
    createMock: ({ baseURL, apiKey, seed, speed }) => createMiddlemanMock({ baseURL, apiKey, seed, speed }),
    env: (baseURL) => ({ MIDDLEMAN_API_URL: baseURL, MIDDLEMAN_API_KEY: MIDDLEMAN_MOCK_API_KEY }),
  },
};

/** The name of a service the sandbox serves by default. */
export type SandboxServiceName = keyof SandboxServices;
