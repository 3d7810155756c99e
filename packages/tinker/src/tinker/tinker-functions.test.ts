import { ResponseValidationError } from '@trainwire/core';
import { rejection as failure, useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  createTinkerCore,
  Future,
  getCheckpointArchiveUrl,
  getServerCapabilities,
  getTrainingRun,
  InvalidRequestError,
  listTrainingRuns,
  setCheckpointTtlFromTinkerPath,
} from '../functions.js';
import { NotFoundError, ServiceClient } from '../index.js';
import { createTinkerMock } from '../mocks/tinker.js';

const BASE = 'https://tinker.thinkingmachines.dev/services/tinker-prod';
let mock = createTinkerMock();
const { server, requests } = useMockServer(() => {
  mock = createTinkerMock({ seed: 7, speed: 1000 });
  return mock.handlers;
});

const core = () => createTinkerCore({ apiKey: 'tml-mock-key', logLevel: 'off' });
const rest = () => new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0 }).createRestClient();
const ownRun = () => {
  const model = [...mock.state.models.values()].find((item) => item.run.model_owner === mock.state.owner);
  if (!model) throw new Error('the mock seeded no run');
  return model;
};

afterEach(() => vi.unstubAllEnvs());

describe('standalone functions (@trainwire/tinker/functions)', () => {
  it('createTinkerCore reads the same options and environment as ServiceClient', async () => {
    vi.stubEnv('TINKER_API_KEY', 'tml-mock-key');
    vi.stubEnv('TINKER_BASE_URL', `${BASE}/`);
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_ID', 'cf-id');
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_SECRET', 'cf-secret-0123456789');
    const configured = createTinkerCore({ logLevel: 'off' });
    expect(configured.baseURL).toBe(BASE);
    await expect(getServerCapabilities(configured)).resolves.toMatchObject({ supported_models: expect.any(Array) });
    expect(requests[0]?.headers.get('x-api-key')).toBe('tml-mock-key');
    expect(requests[0]?.headers.get('user-agent')).toBe('trainwire-tinker/0.1.0');
    expect(requests[0]?.headers.get('cf-access-client-id')).toBe('cf-id');
    vi.stubEnv('TINKER_API_KEY', 'sk-not-tinker');
    expect(() => createTinkerCore()).toThrow(ConfigError);
    expect(() => new ServiceClient()).toThrow(ConfigError);
  });

  it('getTrainingRun gives what the class gives, as a Future, and the same NotFoundError', async () => {
    const id = ownRun().run.training_run_id;
    const future = getTrainingRun(core(), id);
    expect(future).toBeInstanceOf(Future);
    expect(await future).toEqual(await rest().getTrainingRun(id));
    expect(requests[0]?.url.search).toBe('?access_scope=owned');
    const [viaFunction, viaClass] = await Promise.all([failure(getTrainingRun(core(), 'nope')), failure(rest().getTrainingRun('nope'))]);
    expect(viaFunction).toBeInstanceOf(NotFoundError);
    expect(viaFunction.message).toBe(viaClass.message);
  });

  it('checks input before sending, as the class does', async () => {
    const path = `tinker://${ownRun().run.training_run_id}/weights/0001`;
    const [viaFunction, viaClass] = await Promise.all([
      failure(setCheckpointTtlFromTinkerPath(core(), path, -1)),
      failure(rest().setCheckpointTtlFromTinkerPath(path, -1)),
    ]);
    expect(viaFunction).toBeInstanceOf(InvalidRequestError);
    expect(viaFunction.message).toBe(viaClass.message);
    expect(requests).toHaveLength(0);
  });

  it('refuses an answer that does not match the spec, naming where, as the class does (schemas loaded lazily)', async () => {
    server.use(http.get(`${BASE}/api/v1/training_runs/:id`, () => HttpResponse.json({ training_run_id: 'r', base_model: 7 })));
    const [viaFunction, viaClass] = await Promise.all([failure(getTrainingRun(core(), 'r')), failure(rest().getTrainingRun('r'))]);
    expect(viaFunction).toBeInstanceOf(ResponseValidationError);
    expect((viaFunction as ResponseValidationError).path).toBe('$.model_owner');
    expect((viaClass as ResponseValidationError).path).toBe('$.model_owner');
    expect(viaFunction.message).toBe(viaClass.message);
  });

  it('pages a list and reads the archive URL from its redirect', async () => {
    const runs = await listTrainingRuns(core(), { limit: 2 }).toArray();
    expect(runs.map((run) => run.training_run_id)).toEqual(
      (await rest().listTrainingRuns({ limit: 2 }).toArray()).map((run) => run.training_run_id),
    );
    expect(runs.length).toBeGreaterThan(2);
    const { run, checkpoints } = ownRun();
    const checkpoint = checkpoints.find((item) => item.checkpoint_type === 'training');
    if (!checkpoint) throw new Error('the mock seeded no checkpoint');
    const archive = await getCheckpointArchiveUrl(core(), run.training_run_id, checkpoint.checkpoint_id);
    expect(archive.url).toMatch(/^https?:\/\//);
    expect(Date.parse(archive.expires)).toBeGreaterThan(Date.now());
  });
});
