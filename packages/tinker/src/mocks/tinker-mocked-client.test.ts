import { APIConnectionError } from '@trainwire/core';
import { closedPort, useMockServer } from '@trainwire/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceClient as TenSafeClient } from '../tensafe/tensafe-client.js';
import { ServiceClient } from '../tinker/tinker-service-client.js';
import { type MockedTenSafe, mockTenSafe, TENSAFE_MOCK_API_KEY } from './tensafe-mocked-client.js';
import { type MockedTinker, mockTinker, TINKER_MOCK_API_KEY } from './tinker-mocked-client.js';

let tinker: MockedTinker;
let tensafe: MockedTenSafe;
const { requests } = useMockServer(() => {
  tinker = mockTinker({ seed: 4, speed: 1000 });
  tensafe = mockTenSafe({ seed: 4, artifactSize: 1024 });
  return [...tinker.handlers, ...tensafe.handlers];
});

// The sandbox's export lines, left in the shell, pointing at a port where nothing listens.
beforeEach(async () => {
  const dead = `http://127.0.0.1:${await closedPort()}`;
  vi.stubEnv('TINKER_BASE_URL', `${dead}/tinker`);
  vi.stubEnv('TINKER_API_KEY', 'tml-from-the-shell');
  vi.stubEnv('TS_BASE_URL', `${dead}/tensafe`);
  vi.stubEnv('TS_API_KEY', 'ts-from-the-shell');
  vi.stubEnv('TS_TENANT_ID', 'tenant-elsewhere');
});
afterEach(() => vi.unstubAllEnvs());

describe('mockTinker', () => {
  it('gives clients that talk to the mock whatever TINKER_BASE_URL and TINKER_API_KEY say', async () => {
    const rest = tinker.createClient({ heartbeatInterval: 0 }).createRestClient();
    const { training_runs } = await rest.listTrainingRuns({ limit: 2 });
    expect(training_runs).toHaveLength(2);
    const run = await new ServiceClient({ ...tinker.clientOptions, heartbeatInterval: 0 })
      .createRestClient()
      .getTrainingRun(training_runs[0]?.training_run_id ?? '');
    expect(run.training_run_id).toBe(training_runs[0]?.training_run_id);
    expect(new Set(requests.map((request) => request.url.origin))).toEqual(new Set(['https://tinker.thinkingmachines.dev']));
    expect(requests.every((request) => request.headers.get('x-api-key') === TINKER_MOCK_API_KEY)).toBe(true);
  });

  it('is needed: a client given only the mock key follows TINKER_BASE_URL past the mock', async () => {
    const unpinned = new ServiceClient({ apiKey: TINKER_MOCK_API_KEY, maxRetries: 0, heartbeatInterval: 0 });
    await expect(unpinned.getServerCapabilities()).rejects.toBeInstanceOf(APIConnectionError);
  });
});

describe('mockTenSafe', () => {
  it('gives clients that talk to the mock, in its tenant, whatever TS_BASE_URL, TS_API_KEY and TS_TENANT_ID say', async () => {
    await tensafe.state.ready;
    const ts = tensafe.createClient();
    expect(ts.tenantId).toBe(tensafe.tenantId);
    const clients = await ts.listTrainingClients();
    expect(clients.length).toBeGreaterThan(0);
    const again = new TenSafeClient(tensafe.clientOptions);
    expect((await again.listTrainingClients()).map((client) => client.training_client_id)).toEqual(
      clients.map((client) => client.training_client_id),
    );
    expect(new Set(requests.map((request) => request.url.origin))).toEqual(new Set(['https://api.tensafe.dev']));
    expect(requests.every((request) => request.headers.get('authorization') === `Bearer ${TENSAFE_MOCK_API_KEY}`)).toBe(true);
  });

  it('is needed: a client given only the mock key follows TS_BASE_URL past the mock', async () => {
    const unpinned = new TenSafeClient({ apiKey: TENSAFE_MOCK_API_KEY, retryCount: 0 });
    expect(unpinned.tenantId).toBe('tenant-elsewhere');
    await expect(unpinned.listTrainingClients()).rejects.toBeInstanceOf(APIConnectionError);
  });
});
