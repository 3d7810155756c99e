import { type MockedService, mockedService } from '@trainwire/core/mock-kit';
import { service } from '../generated/tinker-service.js';
import { ServiceClient, type ServiceClientOptions } from '../tinker/tinker-service-client.js';
import { createTinkerMock, type TinkerMockOptions } from './tinker.js';
import type { TinkerMockState } from './tinker-mock-state.js';

/** The API key the Tinker mock accepts by default. */
export const TINKER_MOCK_API_KEY = 'tml-mock-key';

/** {@link createTinkerMock} with what points a Tinker `ServiceClient` at it. */
export type MockedTinker = MockedService<TinkerMockState, ServiceClientOptions, ServiceClient>;

/**
 * A Tinker mock and the client options that reach it whatever the environment says: the base URL
 * and key are given explicitly, so `TINKER_BASE_URL` / `TINKER_API_KEY` in the shell (the sandbox's
 * `export` lines) cannot send a test past the mock.
 *
 * @example
 * const mock = mockTinker({ seed: 1, speed: 100 });
 * setupServer(...mock.handlers).listen({ onUnhandledRequest: 'error' });
 * const service = mock.createClient(); // or new ServiceClient(mock.clientOptions)
 */
export function mockTinker(options: TinkerMockOptions = {}): MockedTinker {
  const baseURL = options.baseURL ?? (service.servers[0] as string);
  const apiKey = options.apiKey ?? TINKER_MOCK_API_KEY;
  const mock = createTinkerMock({ ...options, baseURL, apiKey });
  return mockedService(mock, { baseURL, apiKey, clientOptions: { baseURL, apiKey } }, (settings) => new ServiceClient(settings));
}
