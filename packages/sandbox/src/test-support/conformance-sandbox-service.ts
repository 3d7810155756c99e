import { ConformanceClient } from '@trainwire/conformance';
import { conformanceService, createConformanceMock } from '@trainwire/conformance/msw';
import type { SandboxService } from '../sandbox-service.js';

/** The conformance service as a sandbox entry: a small, complete spec + mock for the sandbox's own tests. */
export const conformanceSandboxService = {
  title: 'Conformance',
  definition: conformanceService,
  apiKey: 'cf-sandbox-key',
  createMock: ({ baseURL, apiKey }) => createConformanceMock({ baseURL, apiKey, pollsUntilDone: 1 }),
  env: (baseURL) => ({ CONFORMANCE_BASE_URL: baseURL, CONFORMANCE_API_KEY: 'cf-sandbox-key' }),
} satisfies SandboxService<ReturnType<typeof createConformanceMock>>;

/** A conformance client pointed at a sandbox, retrying fast so fault tests stay quick. */
export function conformanceClient(baseURL: string, options: { maxRetries?: number; timeout?: number } = {}) {
  return new ConformanceClient({
    baseURL,
    apiKey: 'cf-sandbox-key',
    maxRetries: options.maxRetries ?? 3,
    timeout: options.timeout ?? 5000,
  });
}
