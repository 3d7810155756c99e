import { rejection as failure, useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJob, createMiddlemanCore, getBalance, getJob, getWebhookEvents } from './functions.js';
import {
  ConfigError,
  InsufficientCreditsError,
  InvalidRequestError,
  MiddlemanClient,
  NotFoundError,
  ResponseValidationError,
} from './index.js';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY } from './mocks/index.js';

const BASE = 'https://api.middleman.run/api/v1';
let mock = createMiddlemanMock();
const { server, requests } = useMockServer(() => {
  mock = createMiddlemanMock({ seed: 7, speed: 0 });
  return mock.handlers;
});

const core = () => createMiddlemanCore({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off' });
const client = () => new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off' });
const JOB = { name: 'resnet', script_path: '/scripts/train.py', input_data_path: '/data/imagenet' };

afterEach(() => vi.unstubAllEnvs());

describe('standalone functions (@trainwire/jobs/functions)', () => {
  it('createMiddlemanCore reads the same options and environment as MiddlemanClient', async () => {
    vi.stubEnv('MIDDLEMAN_API_KEY', MIDDLEMAN_MOCK_API_KEY);
    vi.stubEnv('MIDDLEMAN_API_URL', `${BASE}/`);
    const configured = createMiddlemanCore({ logLevel: 'off' });
    expect(configured.baseURL).toBe(BASE);
    await expect(getBalance(configured)).resolves.toMatchObject({ available: expect.any(Number) });
    expect(requests[0]?.headers.get('x-api-key')).toBe(MIDDLEMAN_MOCK_API_KEY);
    expect(requests[0]?.headers.get('user-agent')).toBe('trainwire-middleman/0.1.0');
    vi.stubEnv('MIDDLEMAN_API_KEY', '');
    expect(() => createMiddlemanCore()).toThrow(ConfigError);
  });

  it('getJob gives what the class gives, and the same NotFoundError', async () => {
    const created = await createJob(core(), JOB);
    const job = await getJob(core(), created.id);
    // The mock's job moves on between polls: the same fields, the same job.
    const viaClass = await client().getJob(created.id);
    expect(Object.keys(job).sort()).toEqual(Object.keys(viaClass).sort());
    expect(job.id).toBe(viaClass.id);
    expect(job).toMatchObject({ id: created.id, is_terminal: false });
    const [viaFunction, classError] = await Promise.all([failure(getJob(core(), 'missing')), failure(client().getJob('missing'))]);
    expect(viaFunction).toBeInstanceOf(NotFoundError);
    expect((viaFunction as Error).message).toBe((classError as Error).message);
    expect((viaFunction as Error).message).toBe('404 Job missing not found');
  });

  it('maps a 402 to InsufficientCreditsError and sends one Idempotency-Key', async () => {
    mock.state.account.balance = 1_000;
    const error = await failure(createJob(core(), { ...JOB, gpu_type: 'a100', gpu_count: 8, max_runtime_hours: 72 }));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(requests[0]?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('checks params against the spec before sending, as the class does', async () => {
    const error = await failure(getJob(core(), ''));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('path.job_id');
    expect(requests).toHaveLength(0);
  });

  it('refuses an answer that does not match the spec, naming where, as the class does', async () => {
    server.use(http.get(`${BASE}/jobs/:id`, () => HttpResponse.json({ id: 'j1', name: 'x', status: 'lost' })));
    const [viaFunction, viaClass] = await Promise.all([failure(getJob(core(), 'j1')), failure(client().getJob('j1'))]);
    expect(viaFunction).toBeInstanceOf(ResponseValidationError);
    expect((viaFunction as ResponseValidationError).path).toBe((viaClass as ResponseValidationError).path);
    expect((viaFunction as Error).message).toBe((viaClass as Error).message);
    server.use(http.get(`${BASE}/webhooks/events`, () => HttpResponse.json({ events: ['job.lost'] })));
    expect(await failure(getWebhookEvents(core()))).toBeInstanceOf(ResponseValidationError);
  });
});
