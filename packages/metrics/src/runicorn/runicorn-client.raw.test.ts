import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createRunicornMock } from '../mocks/runicorn.js';
import { RunicornClient } from './runicorn-client.js';
import { ConnectionError, NotFoundError } from './runicorn-errors.js';

let mock = createRunicornMock();
useMockServer(() => {
  mock = createRunicornMock({ seed: 3 });
  return mock.handlers;
});
const client = () => new RunicornClient({ logLevel: 'off' });
const REQUEST_ID = /^req_[0-9a-f]{24}$/;

describe('RunicornClient raw responses', () => {
  it('withResponse and asResponse on a plain call', async () => {
    const runicorn = client();
    const { data, response, requestId } = await runicorn.listProjects().withResponse();
    expect(Array.isArray(data)).toBe(true);
    expect(response.status).toBe(200);
    expect(requestId).toMatch(REQUEST_ID);
    const raw = await runicorn.getConfig().asResponse();
    expect(raw.bodyUsed).toBe(false);
    expect(await raw.json()).toHaveProperty('user_root_dir');
  });

  it('a call of several requests gives the last one, and the data as await does', async () => {
    const runicorn = client();
    const experiments = await runicorn.listExperiments({ limit: 2 }).withResponse();
    expect(experiments.data).toEqual(await runicorn.listExperiments({ limit: 2 }));
    expect(experiments.response.url).toContain('/api/v2/experiments');
    const runId = experiments.data[0]?.id as string;
    const metrics = await runicorn.getMetrics(runId).withResponse();
    expect(metrics.response.url).toContain(`/api/runs/${runId}/metrics`);
    expect(metrics.requestId).toMatch(REQUEST_ID);
  });

  it('errors keep their Runicorn class and request id; a closed client refuses', async () => {
    const runicorn = client();
    const error = await runicorn
      .getExperiment('missing-run')
      .withResponse()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toMatch(REQUEST_ID);
    await runicorn.close();
    await expect(runicorn.getConfig().asResponse()).rejects.toBeInstanceOf(ConnectionError);
  });
});
