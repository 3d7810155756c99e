import { ConfigError, InvalidRequestError, NotFoundError, ResponseValidationError } from '@trainwire/core';
import { rejection as failure, useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { ServiceClient, TrainingClientNotFoundError } from '../tensafe.js';
import {
  createTenSafeCore,
  deleteTrainingClient,
  getAuditLogs,
  getFutureStatus,
  getTrainingClientInfo,
  listTrainingClients,
} from '../tensafe-functions.js';

const BASE = 'https://api.tensafe.dev';
const KEY = 'ts-test-key';
let mock = createTenSafeMock();
const { server, requests } = useMockServer(() => {
  mock = createTenSafeMock({ artifactSize: 4096 });
  return mock.handlers;
});

const core = () => createTenSafeCore({ apiKey: KEY, logLevel: 'off' });
const client = () => new ServiceClient({ apiKey: KEY, logLevel: 'off', pollInterval: 5 });

afterEach(() => vi.unstubAllEnvs());

describe('standalone functions (@trainwire/tinker/tensafe-functions)', () => {
  it('createTenSafeCore resolves the same settings and environment as ServiceClient', async () => {
    vi.stubEnv('TS_API_KEY', KEY);
    vi.stubEnv('TS_TIMEOUT', '12.5');
    vi.stubEnv('TS_TENANT_ID', 'tenant-acme');
    expect(createTenSafeCore({ logLevel: 'off' }).config).toEqual(new ServiceClient({ logLevel: 'off' }).config);
    expect(createTenSafeCore({ logLevel: 'off' }).config).toMatchObject({ baseURL: BASE, tenantId: 'tenant-acme', timeout: 12_500 });
    await listTrainingClients(createTenSafeCore({ logLevel: 'off' }));
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(requests[0]?.headers.get('user-agent')).toBe('trainwire-tensafe/0.0.0');
    expect(() => createTenSafeCore({ retryCount: 11 })).toThrow(ConfigError);
  });

  it('lists, gets and deletes training clients as the class does, with the same typed errors', async () => {
    const listed = await listTrainingClients(core(), { status: 'active' });
    expect(listed).toEqual(await client().listTrainingClients({ status: 'active' }));
    const id = listed[0]?.training_client_id as string;
    expect(await getTrainingClientInfo(core(), id)).toMatchObject({ training_client_id: id, status: 'ready' });
    await expect(deleteTrainingClient(core(), id)).resolves.toBeUndefined();
    const [viaFunction, viaClass] = await Promise.all([
      failure(getTrainingClientInfo(core(), id)),
      failure(client().getTrainingClient(id)),
    ]);
    expect(viaFunction).toBeInstanceOf(TrainingClientNotFoundError);
    expect(viaFunction).toBeInstanceOf(NotFoundError);
    expect(viaFunction.message).toBe(viaClass.message);
    // Bad input rejects (nothing is sent), as the class's does.
    const sent = requests.length;
    expect(await failure(getFutureStatus(core(), ' '))).toBeInstanceOf(InvalidRequestError);
    expect(await failure(listTrainingClients(core(), { status: 'paused' as never }))).toBeInstanceOf(InvalidRequestError);
    expect(requests).toHaveLength(sent);
  });

  it('pages the audit log with the time window applied, as the class does, and refuses an answer off the spec', async () => {
    await mock.state.ready;
    const stamps = ['2026-01-05T09:00:00Z', '2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z'];
    const entries = [0, 1, 2, 3, 4].map((index) => ({
      ...mock.state.auditLog[0],
      entry_id: `aud-${index}`,
      started_at: stamps[index % 3],
    }));
    let broken = false;
    server.use(
      http.get(`${BASE}/v1/audit_logs`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        const offset = Number(query.get('offset') ?? 0);
        const page = entries.slice(offset, offset + Number(query.get('limit')));
        return HttpResponse.json(broken ? page.map((entry) => ({ ...entry, success: 'yes' })) : page);
      }),
    );
    const window = { start_time: '2026-01-05T09:30:00Z', end_time: new Date('2026-01-05T10:30:00Z'), limit: 2 };
    const every = await getAuditLogs(core(), window).toArray();
    expect(every.map((entry) => entry.entry_id)).toEqual(['aud-1', 'aud-4']);
    expect(every).toEqual(await client().getAuditLogs(window).toArray());
    broken = true;
    const [viaFunction, viaClass] = await Promise.all([failure(getAuditLogs(core(), window)), failure(client().getAuditLogs(window))]);
    expect(viaFunction).toBeInstanceOf(ResponseValidationError);
    expect((viaFunction as ResponseValidationError).path).toBe('$[0].success');
    expect(viaFunction.message).toBe(viaClass.message);
  });
});
