import { createOperationMatcher } from '@trainwire/core/mock-kit';
import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { service } from '../generated/tensafe.js';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { ServiceClient } from './tensafe-client.js';

const BASE = 'https://api.tensafe.dev';
let mock = createTenSafeMock();
const { requests } = useMockServer(() => {
  mock = createTenSafeMock({ artifactSize: 256, pollsUntilDone: 1 });
  return mock.handlers;
});

/**
 * Operations no method of ServiceClient or TrainingClient names, and why: each is reached through a
 * future (`tg_tinker.FutureHandle`), which this drive calls too.
 */
const REACHED_THROUGH_A_FUTURE: Record<string, string> = {
  getFutureResult: 'read by a future once a poll sees it finished (await future, future.result())',
  cancelFuture: 'future.cancel()',
};

describe('the TenSafe operation table', () => {
  it('has a client call for every operation (or a future method, listed with why), each answered by the mock with a 2xx', async () => {
    const ts = new ServiceClient({ apiKey: 'ts-test-key', logLevel: 'off', pollInterval: 5 });
    const tc = await ts.createTrainingClient({ model_ref: 'm', lora_config: { rank: 8 } });
    await ts.listTrainingClients();
    await ts.getTrainingClient(tc.id);
    await tc.forwardBackward({ input_ids: [[1, 2]], attention_mask: [[1, 1]] });
    await tc.optimStep();
    await tc.sample('hi');
    const saved = await tc.saveState();
    await tc.loadState(saved.artifact_id);
    await ts.pullArtifact(saved.artifact_id);
    await ts.getAuditLogs({ training_client_id: tc.id });
    const pending = tc.optimStep();
    await pending.cancel();
    await ts.getFuture(await pending.submitted()).status();
    await ts.deleteTrainingClient(tc.id);

    const match = createOperationMatcher(service);
    const reached = new Set(
      requests.map((request) => {
        const result = match(request.method, request.url.pathname);
        if (!('found' in result)) throw new Error(`${request.method} ${request.url.pathname} is not in the spec`);
        return result.found.operation.operationId;
      }),
    );
    const operationIds = Object.values(service.operations).map((operation) => operation.operationId);
    expect([...reached].sort()).toEqual([...operationIds].sort());
    for (const id of operationIds.filter((operationId) => !(operationId in REACHED_THROUGH_A_FUTURE))) {
      const owner = ['forwardBackward', 'optimStep', 'sample', 'saveState', 'loadState'].includes(id) ? tc : ts;
      expect(typeof (owner as unknown as Record<string, unknown>)[id], `a method named ${id}`).toBe('function');
    }
    expect(Object.keys(REACHED_THROUGH_A_FUTURE).every((id) => operationIds.includes(id))).toBe(true);
    expect(requests.every((request) => request.url.href.startsWith(`${BASE}/v1/`))).toBe(true);
  });
});
