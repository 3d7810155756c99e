import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createTinkerMock } from '../mocks/tinker.js';
import { ServiceClient } from './tinker-service-client.js';
import type { Datum } from './tinker-training-client.js';

const { server } = useMockServer(() => createTinkerMock({ seed: 9, speed: 1000 }).handlers);
// Every answer's x-request-id, in order, to tell which response a call exposes.
const answered: { path: string; id: string | null }[] = [];
server.events.on('response:mocked', ({ request, response }) => {
  answered.push({ path: new URL(request.url).pathname.split('/api/v1/')[1] ?? '', id: response.headers.get('x-request-id') });
});
const service = () => new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0 });
const last = (path: string) => answered.filter((answer) => answer.path === path).at(-1)?.id;
const REQUEST_ID = /^req_[0-9a-f]{24}$/;
const datum: Datum = {
  model_input: { chunks: [{ type: 'encoded_text', tokens: [1, 2, 3] }] },
  loss_fn_inputs: { target_tokens: { data: [2, 3, 4], dtype: 'int64' }, weights: { data: [1, 1, 1], dtype: 'float32' } },
};

describe('Tinker raw responses', () => {
  it('a plain call: withResponse gives data, response and request id; asResponse the unread body', async () => {
    const client = service();
    const { data, response, requestId } = await client.getServerCapabilities().withResponse();
    expect(data.supported_models.length).toBeGreaterThan(0);
    expect(response.status).toBe(200);
    expect(requestId).toMatch(REQUEST_ID);
    expect(requestId).toBe(last('get_server_capabilities'));
    const raw = await client.getServerCapabilities().asResponse();
    expect(raw.bodyUsed).toBe(false);
    expect(await raw.json()).toHaveProperty('supported_models');
  });

  it('a future: submitResponse is the submit request, withResponse the retrieve_future that brought the result', async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 8 });
    const future = training.forwardBackward([datum], 'cross_entropy');
    const { data, response, requestId } = await future.withResponse();
    expect(data.loss_fn_outputs).toHaveLength(1);
    expect(response?.status).toBe(200);
    expect(requestId).toBe(last('retrieve_future'));
    const submitted = await future.submitResponse();
    expect(submitted.id).toBe(future.id);
    expect(submitted.requestId).toBe(last('forward_backward'));
    expect(submitted.requestId).not.toBe(requestId);
  });

  it('creating a training client gives the response of the create_model future', async () => {
    const created = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' }).withResponse();
    expect(created.data.modelId).toMatch(/\S/);
    expect(created.requestId).toBe(last('retrieve_future'));
  });

  it('RestClient futures and list futures carry their response', async () => {
    const client = service();
    const training = await client.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    const saved = await training.saveState('raw-ckpt');
    const rest = client.createRestClient();
    const info = await rest.getWeightsInfoByTinkerPath(saved.path).withResponse();
    expect(info.data.base_model).toBe('Qwen/Qwen3-8B');
    expect(info.requestId).toBe(last('weights_info'));
    const runs = await rest.listTrainingRuns().withResponse();
    expect(runs.requestId).toBe(last('training_runs'));
    const removed = await rest.deleteCheckpointFromTinkerPath(saved.path).withResponse();
    expect(removed.response?.status).toBe(204);
  });
});
