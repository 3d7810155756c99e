import { type MockedService, mockedService } from '@trainwire/core/mock-kit';
import { DEFAULT_BASE_URL, MiddlemanClient, type MiddlemanClientOptions } from '../middleman-client.js';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY, type MiddlemanMockOptions } from './jobs.js';
import type { MiddlemanMockState } from './jobs-state.js';

/** {@link createMiddlemanMock} with what points a `MiddlemanClient` at it. */
export type MockedMiddleman = MockedService<MiddlemanMockState, MiddlemanClientOptions, MiddlemanClient>;

/**
 * A Middleman mock and the client options that reach it whatever the environment says: the base URL
 * and key are given explicitly, so `MIDDLEMAN_API_URL` / `MIDDLEMAN_API_KEY` in the shell (the
 * sandbox's `export` lines) cannot send a test past the mock.
 *
 * @example
 * const mock = mockMiddleman({ seed: 1, speed: 0 });
 * setupServer(...mock.handlers).listen({ onUnhandledRequest: 'error' });
 * const client = mock.createClient(); // or new MiddlemanClient(mock.clientOptions)
 */
export function mockMiddleman(options: MiddlemanMockOptions = {}): MockedMiddleman {
  const baseURL = options.baseURL ?? DEFAULT_BASE_URL;
  const apiKey = options.apiKey ?? MIDDLEMAN_MOCK_API_KEY;
  const mock = createMiddlemanMock({ ...options, baseURL, apiKey });
  return mockedService(mock, { baseURL, apiKey, clientOptions: { baseURL, apiKey } }, (settings) => new MiddlemanClient(settings));
}
