import { type MockedService, mockedService } from '@trainwire/core/mock-kit';
import { service } from '../generated/runicorn-service.js';
import { RunicornClient, type RunicornClientOptions } from '../runicorn/runicorn-client.js';
import { createRunicornMock, type RunicornMockOptions } from './runicorn.js';

/** {@link createRunicornMock} with what points a `RunicornClient` at it. */
export type MockedRunicorn = MockedService<ReturnType<typeof createRunicornMock>['state'], RunicornClientOptions, RunicornClient>;

/**
 * A Runicorn viewer mock and the client options that reach it whatever the environment says: the
 * viewer URL is given explicitly, so `RUNICORN_BASE_URL` in the shell (the sandbox's `export` line)
 * cannot send a test past the mock; with `apiKey` the mock wants that bearer token and the client
 * sends it.
 *
 * @example
 * const mock = mockRunicorn({ seed: 1 });
 * setupServer(...mock.handlers).listen({ onUnhandledRequest: 'error' });
 * const client = mock.createClient(); // or new RunicornClient(mock.clientOptions)
 */
export function mockRunicorn(options: RunicornMockOptions = {}): MockedRunicorn {
  const baseURL = options.baseURL ?? (service.servers[0] as string);
  const mock = createRunicornMock({ ...options, baseURL });
  const clientOptions: RunicornClientOptions = { baseURL, ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }) };
  return mockedService(mock, { baseURL, apiKey: options.apiKey, clientOptions }, (settings) => new RunicornClient(settings));
}
