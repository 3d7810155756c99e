import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { ServiceClient } from './tensafe-client.js';
import { TrainingClientNotFoundError } from './tensafe-errors.js';

let mock = createTenSafeMock();
useMockServer(() => {
  mock = createTenSafeMock({ artifactSize: 2048 });
  return mock.handlers;
});
// Every response the client got, by path: the TenSafe server sends no x-request-id (and neither
// does its mock), so the tests tell responses apart by identity.
const answered: { path: string; response: Response }[] = [];
const fetch = async (request: Request) => {
  const response = await globalThis.fetch(request);
  answered.push({ path: new URL(request.url).pathname, response });
  return response;
};
const last = (pattern: RegExp) => answered.filter((answer) => pattern.test(answer.path)).at(-1)?.response;
// With the default connection cap: a capped client hands out the very responses its fetch returned.
const client = () => new ServiceClient({ apiKey: 'ts-test-key', logLevel: 'off', pollInterval: 5, fetch });

describe('TenSafe raw responses', () => {
  it('calls give withResponse and asResponse; futures their submit and result responses', async () => {
    const tensafe = client();
    const created = await tensafe.createTrainingClient({ model_ref: 'm' }).withResponse();
    expect(created.response).toBe(last(/\/v1\/training_clients$/));
    expect(created.requestId).toBeUndefined();
    const training = created.data;
    const future = training.forwardBackward({ input_ids: [[1, 2]], attention_mask: [[1, 1]] });
    const result = await future.withResponse();
    expect(result.response).toBe(last(/\/result$/));
    expect((await future.submitResponse()).response).toBe(last(/\/forward_backward$/));
    const sampled = await training.sample('hi').withResponse();
    expect(sampled.data.samples.length).toBeGreaterThan(0);
    const raw = await tensafe.listTrainingClients().asResponse();
    expect(raw.bodyUsed).toBe(false);
  });

  it('pullArtifact gives the artifact response; audit pages keep theirs; errors the request id', async () => {
    const tensafe = client();
    await mock.state.ready;
    const artifactId = [...mock.state.artifacts.keys()][0] as string;
    const pulled = await tensafe.pullArtifact(artifactId).withResponse();
    expect(pulled.data).toBeInstanceOf(Uint8Array);
    expect(pulled.response).toBe(last(/\/content$/));
    const page = await tensafe.getAuditLogs({ limit: 2 }).withResponse();
    expect(page.response).toBe(last(/\/v1\/audit_logs$/));
    const error = await tensafe
      .getTrainingClient('tc-missing')
      .withResponse()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TrainingClientNotFoundError);
  });
});
