import { clientSource, type TransportCall, transportCalls, walkOperations } from '@trainwire/testing/operation-walk';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMiddlemanMock, jobsService, MIDDLEMAN_MOCK_API_KEY } from './mocks/index.js';

let calls: TransportCall[] = [];
// Building the TypeScript program takes seconds; on a loaded 2-core machine, many.
beforeAll(() => {
  calls = transportCalls('tsconfig.json', clientSource);
}, 180_000);

describe('the Middleman operation table', () => {
  it('has a client method for every operation and a mock handler that answers each (not 501)', async () => {
    const problems = await walkOperations({
      service: jobsService,
      calls,
      unwrapped: {},
      mock: {
        handlers: createMiddlemanMock({ speed: 0 }).handlers,
        baseURL: jobsService.servers[0] as string,
        headers: { 'x-api-key': MIDDLEMAN_MOCK_API_KEY },
      },
    });
    expect(problems).toEqual([]);
  }, 60_000);
});
