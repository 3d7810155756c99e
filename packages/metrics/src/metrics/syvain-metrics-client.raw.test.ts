import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createMetricsMock } from '../mocks/metrics.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';
import { MetricsApiRequestError } from './syvain-metrics-errors.js';

const KEY = 'ak_org_trainwire_test';
useMockServer(() => createMetricsMock({ seed: 5 }).handlers);
const client = () => new SyvainMetricsApiClient(KEY, { logLevel: 'off' });
const REQUEST_ID = /^req_[0-9a-f]{24}$/;

describe('SyvainMetricsApiClient raw responses', () => {
  it('withResponse gives the data, the response and the x-request-id; await still gives the data', async () => {
    const metrics = client();
    const pending = metrics.createExperiment('raw-run');
    const { data, response, requestId } = await pending.withResponse();
    expect(data.experiment.slug).toBe('raw-run');
    expect(response.status).toBe(201);
    expect(requestId).toMatch(REQUEST_ID);
    expect(await pending).toEqual(data);
  });

  it('asResponse gives the body unread', async () => {
    const response = await client().authStatus().asResponse();
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toMatchObject({ principal: { type: 'api_key' } });
  });

  it('ingestion-key calls give the ingest response (after the key was minted) and the first page of a list', async () => {
    const metrics = client();
    const { experiment } = await metrics.createExperiment('raw-ingest');
    const ingested = await metrics
      .ingestMetrics(experiment.id, [{ client_event_id: 'raw/1', name: 'loss', value: 1, step: 1 }], { sync: true })
      .withResponse();
    expect(ingested.data.accepted).toBe(1);
    expect(ingested.response.url).toContain('/metrics/ingest');
    expect(ingested.requestId).toMatch(REQUEST_ID);
    const page = await metrics.listExperiments().withResponse();
    expect(page.requestId).toMatch(REQUEST_ID);
    expect(page.response.url).toContain('/api/v1/experiments');
  });

  it('errors keep their Syvain class and request id through withResponse', async () => {
    const error = await client()
      .getExperiment('exp_missing')
      .withResponse()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(MetricsApiRequestError);
    expect(error.requestId).toMatch(REQUEST_ID);
  });
});
