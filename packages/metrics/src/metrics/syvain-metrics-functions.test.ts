import { ConfigError, InvalidRequestError, NotFoundError, ResponseValidationError } from '@trainwire/core';
import { rejection as failure, useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  authStatus,
  createSyvainMetricsCore,
  getExperiment,
  ingestMetrics,
  listExperiments,
  listIngestionKeys,
  revokeIngestionKey,
} from '../functions.js';
import { createMetricsMock } from '../mocks/metrics.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';
import { MetricsApiRequestError } from './syvain-metrics-errors.js';

const BASE = 'https://metrics.syvain.com';
const KEY = 'ak_org_trainwire_test';
let mock = createMetricsMock();
const { server, requests } = useMockServer(() => {
  mock = createMetricsMock({ seed: 7 });
  return mock.handlers;
});
const core = () => createSyvainMetricsCore(KEY, { logLevel: 'off' });
const client = () => new SyvainMetricsApiClient(KEY, { logLevel: 'off' });
const seeded = () => [...mock.state.experiments.values()];

afterEach(() => vi.unstubAllEnvs());

describe('standalone functions (@trainwire/metrics/functions)', () => {
  it('createSyvainMetricsCore reads the same key, host and options as SyvainMetricsApiClient', async () => {
    vi.stubEnv('SYVAIN_METRICS_API_KEY', KEY);
    vi.stubEnv('SYVAIN_METRICS_HOST', `${BASE}/`);
    const status = await authStatus(createSyvainMetricsCore(undefined, { logLevel: 'off' }));
    expect(status.principal).toMatchObject({ type: 'api_key', key_prefix: 'ak_org_tra' });
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(requests[0]?.headers.get('user-agent')).toBe('trainwire-metrics/0.1.0');
    expect(() => createSyvainMetricsCore(KEY, { timeout: -1 })).toThrow(InvalidRequestError);
    vi.stubEnv('SYVAIN_METRICS_API_KEY', '');
    expect(() => createSyvainMetricsCore()).toThrow(ConfigError);
  });

  it('gets and pages experiments as the class does, with the same typed errors', async () => {
    const id = seeded()[0]?.id as string;
    expect(await getExperiment(core(), id)).toEqual(await client().getExperiment(id));
    const every = await listExperiments(core(), { limit: 2 }).toArray();
    expect(every).toEqual(await client().listExperiments({ limit: 2 }).toArray());
    expect(every.length).toBeGreaterThan(2);
    const [viaFunction, viaClass] = await Promise.all([
      failure(getExperiment(core(), 'exp_nope')),
      failure(client().getExperiment('exp_nope')),
    ]);
    expect(viaFunction).toBeInstanceOf(NotFoundError);
    expect(viaFunction).toBeInstanceOf(MetricsApiRequestError);
    expect(viaFunction.message).toBe(viaClass.message);
    // An unknown query key is refused before sending, as the class does.
    const sent = requests.length;
    expect(await failure(listExperiments(core(), { colour: 'red' } as never))).toBeInstanceOf(InvalidRequestError);
    expect(requests).toHaveLength(sent);
  });

  it('ingests with an ingestion key minted once per core, and forgets it on revoke', async () => {
    const metrics = core();
    const experiment = seeded()[1]?.id as string;
    const event = (step: number) => ({ client_event_id: `f/${step}`, name: 'loss', value: 1 / step, step });
    expect(await ingestMetrics(metrics, experiment, [event(1)], { sync: true })).toMatchObject({ accepted: 1 });
    await ingestMetrics(metrics, experiment, [event(2)]);
    expect(mock.state.ingestionKeys.size).toBe(1);
    const ingest = requests.filter((request) => request.url.pathname.endsWith('/metrics/ingest'));
    expect(ingest[0]?.headers.get('authorization')).toMatch(/^Bearer /);
    expect(ingest[0]?.headers.get('authorization')).not.toBe(`Bearer ${KEY}`);
    const cached = (await listIngestionKeys(metrics, experiment)).ingestion_keys.at(-1);
    await revokeIngestionKey(metrics, experiment, cached?.id as string);
    const before = requests.length;
    await ingestMetrics(metrics, experiment, [event(3)]);
    // Forgotten on revoke: the next ingest mints a fresh key instead of being refused first.
    expect(requests.slice(before).map((request) => request.method)).toEqual(['POST', 'POST']);
    expect(mock.state.ingestionKeys.size).toBe(2);
  });

  it('refuses an answer that does not match the spec, naming where, as the class does (schemas loaded lazily)', async () => {
    server.use(http.get(`${BASE}/api/v1/experiments/:id`, () => HttpResponse.json({ experiment: { id: 7 } })));
    const [viaFunction, viaClass] = await Promise.all([failure(getExperiment(core(), 'e')), failure(client().getExperiment('e'))]);
    expect(viaFunction).toBeInstanceOf(ResponseValidationError);
    expect((viaFunction as ResponseValidationError).path).toBe((viaClass as ResponseValidationError).path);
    expect((viaFunction as ResponseValidationError).path).toMatch(/^\$\.experiment\./);
    expect(viaFunction.message).toBe(viaClass.message);
  });
});
