import { APIConnectionError } from '@trainwire/core';
import { closedPort, useMockServer } from '@trainwire/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyvainMetricsApiClient } from '../metrics/syvain-metrics-client.js';
import { RunicornClient } from '../runicorn/runicorn-client.js';
import { type MockedSyvainMetrics, mockSyvainMetrics, SYVAIN_METRICS_MOCK_API_KEY } from './metrics-mocked-client.js';
import { type MockedRunicorn, mockRunicorn } from './runicorn-mocked-client.js';

let syvain: MockedSyvainMetrics;
let runicorn: MockedRunicorn;
const { requests } = useMockServer(() => {
  syvain = mockSyvainMetrics({ seed: 4 });
  runicorn = mockRunicorn({ seed: 4 });
  return [...syvain.handlers, ...runicorn.handlers];
});

// The sandbox's export lines, left in the shell, pointing at a port where nothing listens.
beforeEach(async () => {
  const dead = `http://127.0.0.1:${await closedPort()}`;
  vi.stubEnv('SYVAIN_METRICS_HOST', `${dead}/metrics`);
  vi.stubEnv('SYVAIN_METRICS_API_KEY', 'ak_org_from_the_shell');
  vi.stubEnv('RUNICORN_BASE_URL', `${dead}/runicorn`);
});
afterEach(() => vi.unstubAllEnvs());

describe('mockSyvainMetrics', () => {
  it('gives clients that talk to the mock whatever SYVAIN_METRICS_HOST and SYVAIN_METRICS_API_KEY say', async () => {
    const { experiment } = await syvain.createClient().createExperiment('pinned-run');
    expect(syvain.state.experiments.get(experiment.id)?.slug).toBe('pinned-run');
    const again = await new SyvainMetricsApiClient(syvain.apiKey, syvain.clientOptions).getExperiment(experiment.id);
    expect(again.experiment.id).toBe(experiment.id);
    expect(requests.map((request) => request.url.origin)).toEqual(['https://metrics.syvain.com', 'https://metrics.syvain.com']);
    expect(requests.every((request) => request.headers.get('authorization') === `Bearer ${SYVAIN_METRICS_MOCK_API_KEY}`)).toBe(true);
  });

  it('is needed: a client given only the mock key follows SYVAIN_METRICS_HOST past the mock', async () => {
    const unpinned = new SyvainMetricsApiClient(SYVAIN_METRICS_MOCK_API_KEY, { maxRetries: 0 });
    await expect(unpinned.authStatus()).rejects.toBeInstanceOf(APIConnectionError);
  });
});

describe('mockRunicorn', () => {
  it('gives clients that talk to the mock whatever RUNICORN_BASE_URL says', async () => {
    const runs = await runicorn.createClient().listExperiments({ project: 'vision' });
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((run) => run.project === 'vision')).toBe(true);
    expect(runicorn).toMatchObject({
      baseURL: 'http://127.0.0.1:23300',
      apiKey: undefined,
      clientOptions: { baseURL: 'http://127.0.0.1:23300' },
    });
    expect(new Set(requests.map((request) => request.url.origin))).toEqual(new Set(['http://127.0.0.1:23300']));
  });

  it('sends the bearer token a mock behind a proxy wants', async () => {
    const guarded = mockRunicorn({ seed: 4, apiKey: 'proxy-token', baseURL: 'http://127.0.0.1:23301' });
    expect(guarded.clientOptions).toEqual({ baseURL: 'http://127.0.0.1:23301', apiKey: 'proxy-token' });
    const client = guarded.createClient({ maxRetries: 0 });
    expect(client.baseURL).toBe('http://127.0.0.1:23301');
  });

  it('is needed: a client with no options follows RUNICORN_BASE_URL past the mock', async () => {
    await expect(new RunicornClient({ maxRetries: 0 }).listProjects()).rejects.toBeInstanceOf(APIConnectionError);
  });
});
