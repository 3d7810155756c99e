import { clientSource, type TransportCall, transportCalls, walkOperations } from '@trainwire/testing/operation-walk';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTenSafeMock, createTinkerMock, tensafeService, tinkerService } from './mocks/index.js';

let calls: TransportCall[] = [];
// Building the TypeScript program takes seconds; on a loaded 2-core machine, many.
beforeAll(() => {
  // The TenSafe training client posts through `#post(path, body)`, which calls the transport with the path it is given.
  calls = transportCalls('tsconfig.json', clientSource, [{ name: '#post', method: 'POST', pathArgument: 0 }]);
}, 180_000);

describe('the Tinker operation table', () => {
  it('has a client method for every operation and a mock handler that answers each (not 501)', async () => {
    const problems = await walkOperations({
      service: tinkerService,
      calls: calls.filter((call) => call.site.startsWith('src/tinker/')),
      // What the Python SDK 0.25 calls for itself; the spec and the mock have them so that SDK runs against the sandbox.
      unwrapped: {
        'POST /api/v1/client/config':
          "the Python SDK's feature flags (its pyqwest transport, JWT exchange, request chunking and dispatch limits): nothing this client does depends on them",
        'POST /api/v1/client/dynamic_config': 'the flags the Python SDK re-fetches in the background; none applies to this client',
        'POST /api/v1/auth/token':
          'the JWT exchange the Python SDK makes when pjwt_auth_enabled is on; this client takes a JWT as apiKey instead',
        'POST /api/v1/telemetry': "the Python SDK's own telemetry; this client sends none",
      },
      mock: {
        handlers: createTinkerMock().handlers,
        baseURL: tinkerService.servers[0] as string,
        headers: { 'x-api-key': 'tml-mock-key' },
      },
    });
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('the TenSafe operation table', () => {
  it('has a client method for every operation and a mock handler that answers each (not 501)', async () => {
    const problems = await walkOperations({
      service: tensafeService,
      calls: calls.filter((call) => call.site.startsWith('src/tensafe/')),
      unwrapped: {},
      forwarding: { 'src/tensafe/tensafe-training-client.ts › #post': 'the POST of TrainingClient; its callers are read instead' },
      mock: {
        handlers: createTenSafeMock().handlers,
        baseURL: tensafeService.servers[0] as string,
        headers: { authorization: 'Bearer ts-test-key' },
      },
    });
    expect(problems).toEqual([]);
  }, 60_000);
});
