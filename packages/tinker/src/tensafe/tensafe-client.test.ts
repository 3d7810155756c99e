import {
  ConfigError,
  AuthenticationError as CoreAuthenticationError,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
} from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { sha256Hex } from './sha256.js';
import { GENESIS_HASH, verifyAuditChain } from './tensafe-audit.js';
import { ServiceClient } from './tensafe-client.js';
import {
  AuthenticationError,
  BadRequestError,
  QueueFullError,
  RateLimitedError,
  TGTinkerError,
  TrainingClientNotFoundError,
  ValidationError,
} from './tensafe-errors.js';

const BASE = 'https://api.tensafe.dev';
const KEY = 'ts-test-key';
/** The server's 401, for an Authorization header without `Bearer ` (the only 401 it sends). */
const UNAUTHORIZED = { detail: { error: { code: 'AUTHENTICATION_REQUIRED', message: 'Invalid authorization header' } } };
let mock = createTenSafeMock();
let mockOptions: Parameters<typeof createTenSafeMock>[0] = {};
const { server, requests } = useMockServer(() => {
  mock = createTenSafeMock({ artifactSize: 4096, ...mockOptions });
  return mock.handlers;
});

const client = (options: ConstructorParameters<typeof ServiceClient>[0] = {}) =>
  new ServiceClient({ apiKey: KEY, logLevel: 'off', pollInterval: 5, ...options });

afterEach(() => {
  vi.unstubAllEnvs();
  mockOptions = {};
});

describe('TenSafe ServiceClient settings', () => {
  it('reads TS_API_KEY, TS_BASE_URL, TS_TENANT_ID and TS_TIMEOUT (seconds), with the documented defaults', () => {
    vi.stubEnv('TS_API_KEY', KEY);
    const defaults = new ServiceClient();
    expect(defaults.config).toEqual({
      baseURL: BASE,
      tenantId: `tenant-${sha256Hex(KEY).slice(0, 8)}`,
      timeout: 300_000,
      retryCount: 3,
      pollInterval: 1000,
    });
    expect(defaults.tenantId).toBe(defaults.config.tenantId);
    vi.stubEnv('TS_BASE_URL', 'http://localhost:8000/api/');
    vi.stubEnv('TS_TENANT_ID', 'tenant-acme');
    vi.stubEnv('TS_TIMEOUT', '12.5');
    expect(new ServiceClient().config).toMatchObject({ baseURL: 'http://localhost:8000/api', tenantId: 'tenant-acme', timeout: 12_500 });
    expect(new ServiceClient({ timeout: 1_000, retryCount: 0, tenantId: 'tenant-x' }).config).toMatchObject({
      timeout: 1_000,
      retryCount: 0,
      tenantId: 'tenant-x',
    });
  });

  it('names the option and TS_API_KEY when the key is missing, and refuses bad numbers', () => {
    vi.stubEnv('TS_API_KEY', '');
    expect(() => new ServiceClient()).toThrow(ConfigError);
    expect(() => new ServiceClient()).toThrow(/apiKey.*TS_API_KEY/);
    vi.stubEnv('TS_TIMEOUT', 'soon');
    expect(() => new ServiceClient({ apiKey: KEY })).toThrow(/TS_TIMEOUT must be a number/);
    expect(() => new ServiceClient({ apiKey: KEY, timeout: 5, retryCount: 11 })).toThrow(/retryCount must be an integer from 0 to 10/);
  });

  it('never shows the key in config, errors or JSON', async () => {
    const secret = 'ts-very-secret-key-123';
    server.use(http.get(`${BASE}/v1/training_clients`, () => HttpResponse.json(UNAUTHORIZED, { status: 401 })));
    const service = client({ apiKey: secret });
    expect(JSON.stringify(service.config)).not.toContain(secret);
    const error = await service.listTrainingClients().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(secret);
  });
});

describe('TenSafe ServiceClient calls', () => {
  it('creates a training client: Bearer auth, the exact body, an idempotency key, 201', async () => {
    const tc = await client().createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 16 } });
    expect(tc.id).toMatch(/^tc-[0-9a-f-]{36}$/);
    expect(tc.info).toMatchObject({ model_ref: 'meta-llama/Llama-3-8B', status: 'ready', step: 0, tenant_id: client().tenantId });
    const [sent] = requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url.href).toBe(`${BASE}/v1/training_clients`);
    expect(sent?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(sent?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sent?.body).toBe('{"model_ref":"meta-llama/Llama-3-8B","lora_config":{"rank":16}}');
  });

  it('restores a checkpoint when given checkpointId (create, then load_state)', async () => {
    await mock.state.ready;
    const seeded = [...mock.state.artifacts.values()][0];
    expect(seeded).toBeDefined();
    const tc = await client().createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B' }, { checkpointId: seeded?.artifact_id as string });
    expect(requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      'POST /v1/training_clients',
      `POST /v1/training_clients/${tc.id}/load_state`,
    ]);
    expect(await requests[1]?.body).toBe(`{"artifact_id":"${seeded?.artifact_id}"}`);
    expect((await tc.refresh()).step).toBe(3);
  });

  it('rejects a config the spec forbids before sending anything', async () => {
    const error = await client()
      .createTrainingClient({ model_ref: 'm', lora_config: { rank: 0 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('body.lora_config.rank');
    expect(requests).toHaveLength(0);
  });

  it('never creates a training client twice when the first answer is lost', async () => {
    let first = true;
    server.use(
      http.post(`${BASE}/v1/training_clients`, () => {
        if (!first) return undefined;
        first = false;
        return HttpResponse.error();
      }),
    );
    const before = mock.state.trainingClients.size;
    await client().createTrainingClient({ model_ref: 'm' }, {}, { idempotencyKey: 'create-once' });
    await client().createTrainingClient({ model_ref: 'm' }, {}, { idempotencyKey: 'create-once' });
    expect(mock.state.trainingClients.size - before).toBe(1);
    expect(requests.map((request) => request.headers.get('idempotency-key'))).toEqual(['create-once', 'create-once', 'create-once']);
  });

  it('lists training clients with the documented status filter and limit', async () => {
    const all = await client().listTrainingClients();
    expect(all.map((info) => info.status)).toEqual(['ready', 'terminated', 'error']);
    expect((await client().listTrainingClients({ status: 'active' })).map((info) => info.status)).toEqual(['ready']);
    expect((await client().listTrainingClients({ status: 'completed' })).map((info) => info.status)).toEqual(['terminated']);
    expect((await client().listTrainingClients({ status: 'failed', limit: 5 })).map((info) => info.status)).toEqual(['error']);
    expect(requests.map((request) => request.url.search)).toEqual([
      '?limit=100',
      '?limit=100&status=active',
      '?limit=100&status=completed',
      '?limit=5&status=failed',
    ]);
  });

  it('filters on the client too, since the reference server ignores status and limit', async () => {
    server.use(
      http.get(`${BASE}/v1/training_clients`, () => HttpResponse.json([...mock.state.trainingClients.values()].map((entry) => entry.info))),
    );
    expect((await client().listTrainingClients({ status: 'failed' })).map((info) => info.status)).toEqual(['error']);
    expect(await client().listTrainingClients({ limit: 2 })).toHaveLength(2);
    await expect(client().listTrainingClients({ status: 'paused' as never })).rejects.toThrow(InvalidRequestError);
  });

  it('deletes a training client, then 404s as TrainingClientNotFoundError', async () => {
    const [first] = await client().listTrainingClients();
    await expect(client().deleteTrainingClient(first?.training_client_id as string)).resolves.toBeUndefined();
    expect(requests[1]?.method).toBe('DELETE');
    const error = await client()
      .deleteTrainingClient(first?.training_client_id as string)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingClientNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect((error as TrainingClientNotFoundError).code).toBe('TRAINING_CLIENT_NOT_FOUND');
    expect((error as Error).message).toBe(`404 TRAINING_CLIENT_NOT_FOUND: Training client '${first?.training_client_id}' not found`);
    await expect(client().deleteTrainingClient('')).rejects.toThrow(InvalidRequestError);
  });

  it('fails at once with a typed METHOD_NOT_ALLOWED where the reference server has no DELETE route (its 405)', async () => {
    server.use(http.delete(`${BASE}/v1/training_clients/:id`, () => HttpResponse.json({ detail: 'Method Not Allowed' }, { status: 405 })));
    const error = await client()
      .deleteTrainingClient('tc-1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect(error).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', message: '405 METHOD_NOT_ALLOWED: Method Not Allowed' });
    expect(requests).toHaveLength(1);
  });

  it('maps a 401 to AuthenticationError (TGTinkerError and core) with code and message', async () => {
    server.use(
      http.get(`${BASE}/v1/training_clients/:id`, () =>
        HttpResponse.json(UNAUTHORIZED, { status: 401, headers: { 'x-request-id': 'req-7' } }),
      ),
    );
    const error = await client()
      .getTrainingClient('tc-1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toBeInstanceOf(CoreAuthenticationError);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect(error).toMatchObject({ code: 'AUTHENTICATION_REQUIRED', status: 401, request_id: 'req-7' });
    expect((error as Error).message).toBe('401 AUTHENTICATION_REQUIRED: Invalid authorization header');
  });

  it("acts for the key's own tenant: any key is accepted, and another tenant's training client is TrainingClientNotFoundError", async () => {
    const [seeded] = await client().listTrainingClients();
    const stranger = client({ apiKey: 'ts-another-tenant' });
    expect(await stranger.listTrainingClients()).toEqual([]);
    const error = await stranger.getTrainingClient(seeded?.training_client_id as string).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingClientNotFoundError);
    expect((await stranger.createTrainingClient({ model_ref: 'm' })).info.tenant_id).toBe(stranger.tenantId);
  });

  it('reads the SDK error envelope and Retry-After on a 429 (RateLimitedError.retry_after)', async () => {
    mockOptions = { rateLimitPerMinute: 1 };
    server.resetHandlers(...createTenSafeMock({ rateLimitPerMinute: 1 }).handlers);
    const service = client({ retryCount: 0 });
    await service.listTrainingClients();
    const error = await service.listTrainingClients().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect((error as RateLimitedError).retry_after).toBeGreaterThanOrEqual(59);
    expect((error as RateLimitedError).retryAfter).toBe(((error as RateLimitedError).retry_after as number) * 1000);
  });

  it('maps FastAPI validation lists to ValidationError with the issues in details', async () => {
    server.use(
      http.get(`${BASE}/v1/training_clients`, () =>
        HttpResponse.json(
          { detail: [{ loc: ['query', 'limit'], msg: 'Input should be less than or equal to 1000', type: 'less_than_equal' }] },
          { status: 422 },
        ),
      ),
    );
    const error = await client()
      .listTrainingClients()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_ERROR');
    expect((error as Error).message).toBe('422 VALIDATION_ERROR: query.limit: Input should be less than or equal to 1000');
    expect((error as ValidationError).details.errors).toHaveLength(1);
  });

  it('turns a 503 with a queue code into QueueFullError', async () => {
    server.resetHandlers(...createTenSafeMock({ queueCapacity: 1 }).handlers);
    const tc = await client().createTrainingClient({ model_ref: 'm' });
    await tc.forwardBackward({ input_ids: [[1, 2]], attention_mask: [[1, 1]] }).submitted();
    const error = await tc
      .optimStep({}, { maxRetries: 0 })
      .submitted()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error).toMatchObject({ code: 'QUEUE_FULL', status: 503 });
  });

  it('applies the time window itself against a server that ignores it, paging by the entries the server sent', async () => {
    await mock.state.ready;
    const stamps = ['2026-01-05T09:00:00.000000', '2026-01-05T10:00:00.000000', '2026-01-05T11:00:00.000000'];
    const entries = [0, 1, 2, 3, 4].map((index) => ({
      ...mock.state.auditLog[0],
      entry_id: `aud-${index}`,
      started_at: stamps[index % 3],
    }));
    server.use(
      http.get(`${BASE}/v1/audit_logs`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        const offset = Number(query.get('offset') ?? 0);
        return HttpResponse.json(entries.slice(offset, offset + Number(query.get('limit'))));
      }),
    );
    const window = { start_time: '2026-01-05T09:30:00Z', end_time: new Date('2026-01-05T10:30:00Z'), limit: 2 };
    const first = await client().getAuditLogs(window);
    expect(first.map((entry) => entry.entry_id)).toEqual(['aud-1']);
    const every = await client().getAuditLogs(window).toArray();
    expect(every.map((entry) => entry.entry_id)).toEqual(['aud-1', 'aud-4']);
    expect(requests.slice(1).map((request) => request.url.searchParams.get('offset'))).toEqual([null, '2', '4']);
  });

  it('gets audit logs with time filters as a page, every entry with for await, on a valid hash chain', async () => {
    const service = client();
    const tc = await service.createTrainingClient({ model_ref: 'm' });
    await tc.sample('hello');
    const since = new Date(Date.now() - 60_000);
    const recent = await service.getAuditLogs({ training_client_id: tc.id, start_time: since, limit: 50 });
    expect(recent.map((entry) => entry.operation)).toEqual(['create_training_client', 'sample']);
    const sent = requests.at(-1)?.url.searchParams;
    expect(Object.fromEntries(sent ?? [])).toEqual({ limit: '50', training_client_id: tc.id, start_time: since.toISOString() });
    const seeded = await service.getAuditLogs({ end_time: '2026-01-05T09:30:00' });
    expect(seeded.map((entry) => entry.operation)).toEqual(['create_training_client', 'create_training_client', 'create_training_client']);
    const saved = await service.getAuditLogs({
      operation: 'save_state',
      start_time: '2026-01-05T09:30:00Z',
      end_time: '2026-01-05T10:00:00Z',
    });
    expect(saved.map((entry) => entry.started_at)).toEqual(['2026-01-05T10:00:00.000000']);
    const every = await service.getAuditLogs({ limit: 2 }).toArray();
    expect(every.length).toBe(mock.state.auditLog.length);
    expect(verifyAuditChain(every, { previousHash: GENESIS_HASH })).toMatchObject({ valid: true, checked: every.length });
    await expect(async () => service.getAuditLogs({ start_time: new Date('nope') })).rejects.toThrow(InvalidRequestError);
    await expect(service.getAuditLogs({ start_time: '2026-02-01T00:00:00Z', end_time: '2026-01-01T00:00:00Z' })).rejects.toThrow(
      /end_time/,
    );
  });
});
