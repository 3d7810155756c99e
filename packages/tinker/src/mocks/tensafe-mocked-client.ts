import { type MockedService, mockedService } from '@trainwire/core/mock-kit';
import { service } from '../generated/tensafe-service.js';
import { sha256Hex } from '../tensafe/sha256.js';
import { ServiceClient, type TenSafeClientOptions } from '../tensafe/tensafe-client.js';
import { createTenSafeMock, type TenSafeMockOptions } from './tensafe.js';
import type { TenSafeMockState } from './tensafe-mock-state.js';

/** The API key the TenSafe mock accepts by default. */
export const TENSAFE_MOCK_API_KEY = 'ts-test-key';

/** {@link createTenSafeMock} with what points a TenSafe `ServiceClient` at it. */
export type MockedTenSafe = MockedService<TenSafeMockState, TenSafeClientOptions, ServiceClient> & { apiKey: string; tenantId: string };

/**
 * A TenSafe mock and the client options that reach it whatever the environment says: the base URL,
 * key and tenant are given explicitly, so `TS_BASE_URL` / `TS_API_KEY` / `TS_TENANT_ID` in the shell
 * (the sandbox's `export` lines) cannot send a test past the mock or into another tenant.
 *
 * @example
 * const mock = mockTenSafe({ seed: 1 });
 * setupServer(...mock.handlers).listen({ onUnhandledRequest: 'error' });
 * const ts = mock.createClient(); // or new ServiceClient(mock.clientOptions) from '@trainwire/tinker/tensafe'
 */
export function mockTenSafe(options: TenSafeMockOptions = {}): MockedTenSafe {
  const baseURL = options.baseURL ?? (service.servers[0] as string);
  const apiKey = options.apiKey ?? TENSAFE_MOCK_API_KEY;
  // The tenant the server derives from the key, unless the mock is given one.
  const tenantId = options.tenantId ?? `tenant-${sha256Hex(apiKey).slice(0, 8)}`;
  const mock = createTenSafeMock({ ...options, baseURL, apiKey, tenantId });
  const clientOptions: TenSafeClientOptions = { baseURL, apiKey, tenantId };
  return { ...mockedService(mock, { baseURL, apiKey, clientOptions }, (settings) => new ServiceClient(settings)), apiKey, tenantId };
}
