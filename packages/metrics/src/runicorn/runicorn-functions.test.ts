import { ConfigError, InvalidRequestError, ResponseValidationError } from '@trainwire/core';
import { rejection as failure, useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRunicornMock } from '../mocks/runicorn.js';
import { RunicornClient } from '../runicorn.js';
import {
  createRunicornCore,
  DEFAULT_BASE_URL,
  getExperiment,
  getMetrics,
  healthCheck,
  listExperiments,
  listProjects,
} from '../runicorn-functions.js';
import { ConnectionError, NotFoundError, RunicornAPIError } from './runicorn-errors.js';

const BASE = DEFAULT_BASE_URL;
const { server, requests } = useMockServer(() => createRunicornMock({ seed: 7 }).handlers);
const core = () => createRunicornCore({ logLevel: 'off' });
const client = () => new RunicornClient({ logLevel: 'off' });

afterEach(() => vi.unstubAllEnvs());

describe('standalone functions (@trainwire/metrics/runicorn-functions)', () => {
  it('createRunicornCore reads the same base URL, token and options as RunicornClient', async () => {
    vi.stubEnv('RUNICORN_BASE_URL', 'https://viewer.example/');
    vi.stubEnv('RUNICORN_API_KEY', 'proxy-token-0123456789');
    server.use(http.get('https://viewer.example/api/health', () => HttpResponse.json({ status: 'ok' })));
    const configured = createRunicornCore({ logLevel: 'off' });
    expect(configured.baseURL).toBe('https://viewer.example');
    expect(configured.timeout).toBe(30_000);
    await healthCheck(configured);
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer proxy-token-0123456789');
    expect(requests[0]?.headers.get('user-agent')).toBe('trainwire-runicorn/0.0.0');
    // Plain http to another host is refused when it would carry the token, as for the class.
    expect(() => createRunicornCore('http://viewer.example')).toThrow(ConfigError);
    expect(() => new RunicornClient('http://viewer.example')).toThrow(ConfigError);
    expect(() => createRunicornCore({ timeout: 0 })).toThrow(InvalidRequestError);
  });

  it('lists, gets and reads metrics as the class does, with the same typed errors', async () => {
    const listed = await listExperiments(core(), { name: 'bert-base' });
    expect(listed).toEqual(await client().listExperiments({ name: 'bert-base' }));
    const id = listed[0]?.id as string;
    expect(await getExperiment(core(), id)).toEqual(await client().getExperiment(id));
    expect(await getMetrics(core(), id, { limit: 3 })).toEqual(await client().getMetrics(id, { limit: 3 }));
    expect(await listProjects(core())).toEqual(['nlp', 'vision']);
    const [viaFunction, viaClass] = await Promise.all([
      failure(getExperiment(core(), '20990101_000000_ffffff')),
      failure(client().getExperiment('20990101_000000_ffffff')),
    ]);
    expect(viaFunction).toBeInstanceOf(NotFoundError);
    expect(viaFunction).toBeInstanceOf(RunicornAPIError);
    expect(viaFunction.message).toBe(viaClass.message);
    expect(await failure(getExperiment(core(), ''))).toBeInstanceOf(InvalidRequestError);
  });

  it('refuses an answer off the spec (the interpreter and schemas loaded lazily), and stops on close', async () => {
    server.use(http.get(`${BASE}/api/projects`, () => HttpResponse.json({ projects: [7] })));
    const [viaFunction, viaClass] = await Promise.all([failure(listProjects(core())), failure(client().listProjects())]);
    expect(viaFunction).toBeInstanceOf(ResponseValidationError);
    expect((viaFunction as ResponseValidationError).path).toBe('$.projects[0]');
    expect(viaFunction.message).toBe(viaClass.message);
    const closing = core();
    closing.close();
    expect(await failure(healthCheck(closing))).toBeInstanceOf(ConnectionError);
  });
});
