import { clientSource, type TransportCall, transportCalls, walkOperations } from '@trainwire/testing/operation-walk';
import { beforeAll, describe, expect, it } from 'vitest';
import { conformanceService, createConformanceMock } from './mocks/index.js';

let calls: TransportCall[] = [];
// Building the TypeScript program takes seconds; on a loaded 2-core machine, many.
beforeAll(() => {
  calls = transportCalls('tsconfig.json', clientSource);
}, 180_000);

describe('the conformance operation table', () => {
  it('has a client method for every operation and a mock handler that answers each (not 501)', async () => {
    const problems = await walkOperations({
      service: conformanceService,
      calls,
      unwrapped: {},
      mock: {
        handlers: createConformanceMock().handlers,
        baseURL: conformanceService.servers[0] as string,
        headers: { 'x-api-key': 'cf-test-key' },
      },
    });
    expect(problems).toEqual([]);
  }, 60_000);
});
