import type { RequestHandler } from 'msw';

/**
 * A service's mock with what points a client at it whatever the environment says: what every
 * `mock<Service>()` helper of a trainwire package's `./msw` export returns. A client built from
 * `clientOptions` (or by `createClient()`) names the mock's base URL and key itself, so the
 * `<SERVICE>_BASE_URL` / `_API_KEY` lines of a shell (the sandbox's `export`s) cannot send a test
 * past the mock.
 */
export interface MockedService<State, Options, Client> {
  /** The msw handlers: `setupServer(...handlers)` (Node) or `setupWorker(...handlers)` (browsers). */
  handlers: RequestHandler[];
  /** The mock's live state, to arrange a test and to check what the client did. */
  state: State;
  /** Where the mock answers. */
  baseURL: string;
  /** The key the mock accepts (`undefined` for a service without auth). */
  apiKey: string | undefined;
  /** The client options that name `baseURL` and `apiKey` (and anything else the environment would change, such as a tenant). */
  clientOptions: Options;
  /** A new client of the service built with `clientOptions`, then `overrides`. */
  createClient(overrides?: Partial<Options>): Client;
}

/**
 * A {@link MockedService} from a mock, the settings that reach it and the client's constructor:
 * `createClient(overrides)` builds `construct({ ...clientOptions, ...overrides })`.
 */
export function mockedService<State, Options extends object, Client>(
  mock: { handlers: RequestHandler[]; state: State },
  pinned: { baseURL: string; apiKey: string | undefined; clientOptions: Options },
  construct: (options: Options) => Client,
): MockedService<State, Options, Client> {
  const { baseURL, apiKey, clientOptions } = pinned;
  return {
    handlers: mock.handlers,
    state: mock.state,
    baseURL,
    apiKey,
    clientOptions,
    createClient: (overrides) => construct({ ...clientOptions, ...overrides }),
  };
}
