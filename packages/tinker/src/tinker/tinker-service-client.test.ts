import { ConfigError, InvalidRequestError, ResponseValidationError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { delay, HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTinkerMock } from '../mocks/tinker.js';
import { RequestFailedError } from './tinker-errors.js';
import { InvalidTinkerPathError } from './tinker-path.js';
import { decodeForwardBackwardRequest } from './tinker-proto-request.js';
import { ServiceClient } from './tinker-service-client.js';
import type { Datum } from './tinker-training-client.js';

let mock = createTinkerMock();
const { server, requests } = useMockServer(() => {
  mock = createTinkerMock({ seed: 3, speed: 1000 });
  return mock.handlers;
});
afterEach(() => vi.unstubAllEnvs());
// The recorder keeps bodies as text; protobuf bodies are kept as bytes here, and the media type of every answer.
const protobufBodies: Promise<Uint8Array>[] = [];
const answered: { path: string; status: number; type: string | null }[] = [];
server.events.on('request:start', ({ request }) => {
  if (request.headers.get('content-type') === 'application/x-protobuf') {
    protobufBodies.push(
      request
        .clone()
        .arrayBuffer()
        .then((buffer) => new Uint8Array(buffer)),
    );
  }
});
server.events.on('response:mocked', ({ request, response }) => {
  answered.push({
    path: new URL(request.url).pathname.split('/api/v1/')[1] ?? '',
    status: response.status,
    type: response.headers.get('content-type'),
  });
});
beforeEach(() => {
  protobufBodies.length = 0;
  answered.length = 0;
});

const BASE = 'https://tinker.thinkingmachines.dev/services/tinker-prod/api/v1';
const service = (options: ConstructorParameters<typeof ServiceClient>[0] = {}) =>
  new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0, ...options });
const sent = (path: string) => requests.filter((request) => request.url.pathname.endsWith(`/api/v1/${path}`));
const bodyOf = async (path: string, index = 0) => JSON.parse((await sent(path)[index]?.body) ?? 'null');
const rejection = async (promise: PromiseLike<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
};
/** One datum of `tokens`, predicting each next token (cross-entropy). */
const datum = (tokens: number[]): Datum => ({
  model_input: { chunks: [{ type: 'encoded_text', tokens }] },
  loss_fn_inputs: {
    target_tokens: { data: [...tokens.slice(1), 2], dtype: 'int64' },
    weights: { data: tokens.map(() => 1), dtype: 'float32' },
  },
});

describe('ServiceClient configuration', () => {
  it('reads TINKER_API_KEY and TINKER_BASE_URL', async () => {
    vi.stubEnv('TINKER_API_KEY', 'tml-mock-key');
    vi.stubEnv('TINKER_BASE_URL', 'https://tinker.thinkingmachines.dev/services/tinker-prod/');
    const capabilities = await new ServiceClient({ logLevel: 'off' }).getServerCapabilities();
    expect(capabilities.supported_models.map((model) => model.model_name)).toContain('Qwen/Qwen3-8B');
    expect(requests[0]?.url.href).toBe('https://tinker.thinkingmachines.dev/services/tinker-prod/api/v1/get_server_capabilities');
    expect(requests[0]?.headers.get('x-api-key')).toBe('tml-mock-key');
    expect(requests[0]?.headers.get('user-agent')).toBe('trainwire-tinker/0.1.0');
  });

  it('names both the option and TINKER_API_KEY when the key is missing, and refuses a key of the wrong shape', () => {
    vi.stubEnv('TINKER_API_KEY', '');
    expect(() => new ServiceClient()).toThrow(ConfigError);
    expect(() => new ServiceClient()).toThrow(/apiKey.*TINKER_API_KEY/);
    expect(() => new ServiceClient({ apiKey: 'sk-not-tinker' })).toThrow(/must be an API key starting with tml- or a JWT/);
    expect(() => new ServiceClient({ apiKey: 'sk-not-tinker' })).not.toThrow(/sk-not-tinker/);
    expect(() => new ServiceClient({ apiKey: 'eyJhbGciOiJIUzI1NiJ9.e30.x' })).not.toThrow();
  });

  it('sends Cloudflare Access headers from the environment', async () => {
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_ID', 'cf-id');
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_SECRET', 'cf-secret-value');
    await service().getServerCapabilities();
    expect(requests[0]?.headers.get('cf-access-client-id')).toBe('cf-id');
    expect(requests[0]?.headers.get('cf-access-client-secret')).toBe('cf-secret-value');
  });

  it('opens one session, with TINKER_PROJECT_ID and TINKER_TAGS, shared by concurrent calls', async () => {
    vi.stubEnv('TINKER_PROJECT_ID', 'proj-a');
    vi.stubEnv('TINKER_TAGS', 'nightly, sweep');
    const client = service({ userMetadata: { owner: 'ml-team' } });
    const [first, second] = await Promise.all([client.sessionId(), client.sessionId()]);
    expect(first).toBe(second);
    expect(sent('create_session')).toHaveLength(1);
    expect(await bodyOf('create_session')).toEqual({
      tags: ['nightly', 'sweep'],
      user_metadata: { owner: 'ml-team' },
      sdk_version: '0.1.0',
      type: 'create_session',
      project_id: 'proj-a',
    });
    expect(sent('create_session')[0]?.headers.get('x-idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(mock.state.sessions.get(first)?.project_id).toBe('proj-a');
  });

  it('sends heartbeats while the session lives, and stops on close()', async () => {
    const client = service({ heartbeatInterval: 20 });
    const id = await client.sessionId();
    await vi.waitFor(() => expect(sent('session_heartbeat').length).toBeGreaterThanOrEqual(2), { timeout: 30_000 });
    expect(await bodyOf('session_heartbeat')).toEqual({ session_id: id, type: 'session_heartbeat' });
    client.close();
    const count = sent('session_heartbeat').length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sent('session_heartbeat').length).toBe(count);
  });
});

describe('ServiceClient.createLoraTrainingClient', () => {
  it('creates a model with the documented defaults and follows its future', async () => {
    const client = service();
    const training = await client.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 16 });
    const sessionId = await client.sessionId();
    expect(training.modelId).toBe(`${sessionId}:train:0`);
    // No metadata goes as {}, as the SDK sends it.
    expect((await bodyOf('create_session')).user_metadata).toEqual({});
    expect(await bodyOf('create_model')).toEqual({
      session_id: sessionId,
      model_seq_id: 0,
      base_model: 'Qwen/Qwen3-8B',
      lora_config: { rank: 16, train_unembed: true, train_mlp: true, train_attn: true },
      type: 'create_model',
    });
    const polls = sent('retrieve_future');
    expect(polls.map((poll) => poll.headers.get('x-tinker-request-iteration'))).toEqual(['0', '1', '2']);
    expect(polls.every((poll) => poll.headers.get('x-tinker-request-type') === 'CreateModel')).toBe(true);
    expect(mock.state.models.get(training.modelId)?.run.lora_rank).toBe(16);
    const second = await client.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    expect(second.modelId).toBe(`${sessionId}:train:1`);
    expect((await bodyOf('create_model', 1)).lora_config.rank).toBe(32);
  });

  it('fails with RequestFailedError (category user) for an unsupported base model', async () => {
    const error = await rejection(service().createLoraTrainingClient({ base_model: 'gpt-2' }));
    expect(error).toBeInstanceOf(RequestFailedError);
    expect((error as RequestFailedError).category).toBe('user');
    expect(error.message).toMatch(/^Future .+ failed \(user\): Base model gpt-2 is not supported/);
  });

  it('refuses a bad lora config before sending it', async () => {
    const error = await rejection(service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 0 }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('body.lora_config.rank');
    expect(sent('create_model')).toHaveLength(0);
  });
});

describe('TrainingClient', () => {
  it("sends a model's requests in seq_id order, each once the one before it is answered, however long one takes", async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'meta-llama/Llama-3.2-1B', rank: 8 });
    // The order the server takes the requests in: the first forward_backward is held on its way for 300 ms.
    const received: number[] = [];
    let held = false;
    server.use(
      http.post(`${BASE}/forward_backward`, async ({ request }) => {
        if (!held) {
          held = true;
          await delay(300);
        }
        received.push(decodeForwardBackwardRequest(new Uint8Array(await request.clone().arrayBuffer())).seq_id);
        return undefined; // on to the mock
      }),
      http.post(`${BASE}/optim_step`, async ({ request }) => {
        received.push(((await request.clone().json()) as { seq_id: number }).seq_id);
        return undefined;
      }),
    );
    const batch = [datum([5, 6, 7, 8])];
    const [output, forward, step] = await Promise.all([
      training.forwardBackward(batch, 'cross_entropy'),
      training.forward(batch, 'cross_entropy'),
      training.optimStep({ learning_rate: 2e-4 }),
    ]);
    expect(received).toEqual([1, 2, 3]);
    expect(forward.metrics['loss:sum']).toBe(output.metrics['loss:sum']);
    expect(step.metrics).toEqual({ learning_rate: 2e-4, grad_norm: 1.25 });
  });

  it('hands the turn on when a submission fails, so later calls are not stuck behind it', async () => {
    const training = await service({ maxRetries: 0 }).createLoraTrainingClient({ base_model: 'meta-llama/Llama-3.2-1B', rank: 8 });
    server.use(http.post(`${BASE}/forward_backward`, () => HttpResponse.json({ detail: 'bad batch' }, { status: 400 }), { once: true }));
    const batch = [datum([5, 6, 7, 8])];
    const failed = training.forwardBackward(batch, 'cross_entropy');
    const step = training.optimStep();
    await expect(failed).rejects.toThrow();
    await expect(step).resolves.toBeDefined();
  });

  it('runs forward_backward, forward and optim_step in call order, numbered from 1, as SDK 0.25 sends them', async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'meta-llama/Llama-3.2-1B', rank: 8 });
    const batch = [datum([5, 6, 7, 8])];
    const [output, forward, step] = await Promise.all([
      training.forwardBackward(batch, 'cross_entropy'),
      training.forward(batch, 'cross_entropy', { loss_fn_config: { clip: 0.2 } }),
      training.optimStep({ learning_rate: 2e-4 }),
    ]);
    expect(output.loss_fn_outputs[0]?.logprobs?.data).toHaveLength(4);
    expect(output.metrics['loss:sum']).toBeGreaterThan(0);
    expect(forward.metrics['loss:sum']).toBe(output.metrics['loss:sum']);
    expect(step.metrics).toEqual({ learning_rate: 2e-4, grad_norm: 1.25 });
    // Both passes go to forward_backward as protobuf; forward() sets forward_only (the forward route is gone in 0.25).
    expect(sent('forward')).toHaveLength(0);
    expect(sent('forward_backward').map((request) => request.headers.get('content-type'))).toEqual([
      'application/x-protobuf',
      'application/x-protobuf',
    ]);
    const [first, second] = (await Promise.all(protobufBodies)).map(decodeForwardBackwardRequest);
    expect(first).toEqual({
      forward_backward_input: { data: batch, loss_fn: 'cross_entropy' },
      model_id: training.modelId,
      seq_id: 1,
      forward_only: false,
    });
    expect(second).toMatchObject({ forward_backward_input: { loss_fn_config: { clip: 0.2 } }, seq_id: 2, forward_only: true });
    // Their results are asked for, and answered, as protobuf; optim_step's stays JSON.
    const polls = sent('retrieve_future');
    const accepts = new Map(polls.map((poll) => [poll.headers.get('x-tinker-request-type'), poll.headers.get('accept')]));
    expect(Object.fromEntries(accepts)).toEqual({
      CreateModel: 'application/json',
      ForwardBackward: 'application/x-protobuf',
      Forward: 'application/x-protobuf',
      OptimStep: 'application/json',
    });
    const results = answered.filter((answer) => answer.path === 'retrieve_future' && answer.status === 200 && answer.type !== null);
    expect(results.filter((answer) => answer.type === 'application/x-protobuf')).toHaveLength(2);
    // The first poll reports how long the submission took, a decimal number of seconds.
    const roundtrips = polls.map((poll) => poll.headers.get('x-tinker-create-promise-roundtrip-time')).filter((value) => value !== null);
    expect(roundtrips).toHaveLength(4);
    for (const value of roundtrips) expect(Number(value)).toBeGreaterThanOrEqual(0);
    expect(await bodyOf('optim_step')).toEqual({
      adam_params: { learning_rate: 2e-4, beta1: 0.9, beta2: 0.95, eps: 1e-12, weight_decay: 0, grad_clip_norm: 0 },
      type: 'optim_step',
      model_id: training.modelId,
      seq_id: 3,
    });
    const after = await training.forwardBackward(batch, 'cross_entropy');
    expect(after.metrics['loss:sum']).toBeLessThan(output.metrics['loss:sum'] as number);
  });

  it('fails a batch the loss function cannot use with a user RequestFailedError', async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    const error = await rejection(training.forwardBackward([datum([1, 2, 3])], 'ppo'));
    expect(error).toBeInstanceOf(RequestFailedError);
    expect(error).toMatchObject({ category: 'user', requestId: expect.any(String) });
    expect(error.message).toMatch(/loss_fn ppo needs loss_fn_inputs\.logprobs/);
  });

  it('asks again with allow_metadata_only false when the result is too big to inline', async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    requests.length = 0;
    // 1200 float32 logprobs: 4800 bytes of protobuf, over the mock's 4096-byte inline limit.
    const tokens = Array.from({ length: 1200 }, (_, index) => index + 3);
    const output = await training.forwardBackward([datum(tokens)], 'cross_entropy');
    expect(output.loss_fn_outputs[0]?.logprobs?.data).toHaveLength(1200);
    const polls = await Promise.all(sent('retrieve_future').map(async (poll) => JSON.parse(await poll.body).allow_metadata_only));
    expect(polls).toEqual([true, true, true, false]);
  });

  it('saves state and sampler weights as tinker paths the REST API lists', async () => {
    const client = service();
    const training = await client.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    const saved = await training.saveState('step-10', { ttl_seconds: 3600 });
    expect(saved).toEqual({ path: `tinker://${training.modelId}/weights/step-10`, type: 'save_weights' });
    expect(await bodyOf('save_weights')).toEqual({
      path: 'step-10',
      overwrite: false,
      type: 'save_weights',
      ttl_seconds: 3600,
      model_id: training.modelId,
      seq_id: 1,
    });
    const sampler = await training.saveWeightsForSampler('step-10');
    expect(sampler.path).toBe(`tinker://${training.modelId}/sampler_weights/step-10`);
    const listed = await client.createRestClient().listCheckpoints(training.modelId);
    expect(listed.checkpoints.map((item) => [item.checkpoint_id, item.expires_at !== null])).toEqual([
      ['weights/step-10', true],
      ['sampler_weights/step-10', false],
    ]);
    const again = await rejection(training.saveState('step-10'));
    expect(again).toBeInstanceOf(RequestFailedError);
    expect(again.message).toMatch(/already exists/);
    await expect(training.saveState('step-10', { overwrite: true })).resolves.toMatchObject({ path: saved.path });
    expect(await rejection(training.saveState('a/b'))).toBeInstanceOf(InvalidRequestError);
  });

  it('loads state with and without the optimizer, and refuses a malformed path before sending', async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    const { path } = await training.saveState('base');
    await expect(training.loadState(path)).resolves.toEqual({ path, model_id: training.modelId, type: 'load_weights' });
    await training.loadStateWithOptimizer(path);
    expect((await bodyOf('load_weights', 0)).optimizer).toBe(false);
    expect(await bodyOf('load_weights', 1)).toEqual({ path, optimizer: true, type: 'load_weights', model_id: training.modelId, seq_id: 3 });
    const error = await rejection(training.loadState('tinker://nope'));
    expect(error).toBeInstanceOf(InvalidTinkerPathError);
    expect((error as InvalidTinkerPathError).field).toBe('path');
    expect(sent('load_weights')).toHaveLength(2);
    const missing = await rejection(training.loadState(`tinker://${training.modelId}/weights/missing`));
    expect(missing).toBeInstanceOf(RequestFailedError);
  });

  it('sends a weights access token but keeps it out of the future token', async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    const { path } = await training.saveState('shared');
    const future = training.loadState(path, { weights_access_token: 'wat-secret-123' });
    await future.submitted();
    expect((await bodyOf('load_weights')).weights_access_token).toBe('wat-secret-123');
    const token = future.serialize();
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(token.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    expect(decoded).toContain(path);
    expect(decoded).not.toContain('wat-secret-123');
    await future;
  });

  it('gets the model info', async () => {
    const training = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 4 });
    const info = await training.getInfo();
    expect(info).toMatchObject({ model_id: training.modelId, lora_rank: 4, model_data: { model_name: 'Qwen/Qwen3-8B' } });
  });

  it('creates a training client from saved state: weights_info, create_model, load_weights', async () => {
    const client = service();
    const [seeded] = [...mock.state.models.values()];
    const checkpoint = seeded?.checkpoints.find((item) => item.checkpoint_type === 'training');
    const training = await client.createTrainingClientFromStateWithOptimizer(checkpoint?.tinker_path ?? '');
    expect(requests.map((request) => request.url.pathname.split('/api/v1/')[1]).filter((path) => path !== 'retrieve_future')).toEqual([
      'weights_info',
      'create_session',
      'create_model',
      'load_weights',
    ]);
    expect(await bodyOf('create_model')).toMatchObject({
      base_model: seeded?.run.base_model,
      lora_config: { rank: seeded?.lora_config.rank },
    });
    expect(await bodyOf('load_weights')).toMatchObject({
      path: checkpoint?.tinker_path,
      optimizer: true,
      model_id: training.modelId,
      seq_id: 1,
    });
    expect(await rejection(client.createTrainingClientFromState('weights/0001'))).toBeInstanceOf(InvalidTinkerPathError);
  });
});

describe('SamplingClient', () => {
  it('samples from saved sampler weights with the documented defaults and the backpressure header', async () => {
    const client = service();
    const training = await client.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
    const { path } = await training.saveWeightsForSampler('final');
    const sampler = await client.createSamplingClient({ model_path: path ?? '' });
    expect(await bodyOf('create_sampling_session')).toEqual({
      session_id: await client.sessionId(),
      sampling_session_seq_id: 0,
      type: 'create_sampling_session',
      model_path: path,
    });
    const prompt = { chunks: [{ type: 'encoded_text' as const, tokens: [1, 2, 3] }] };
    const result = await sampler.sample(prompt, 2, { max_tokens: 5 }, { include_prompt_logprobs: true, topk_prompt_logprobs: 2 });
    expect(result.sequences).toHaveLength(2);
    expect(result.sequences[0]?.tokens).toHaveLength(5);
    expect(result.prompt_logprobs?.[0]).toBeNull();
    expect(result.topk_prompt_logprobs?.[1]).toHaveLength(2);
    expect(await bodyOf('asample')).toEqual({
      sampling_session_id: sampler.samplingSessionId,
      seq_id: 0,
      num_samples: 2,
      prompt,
      sampling_params: { temperature: 1, top_k: -1, top_p: 1, max_tokens: 5 },
      prompt_logprobs: true,
      topk_prompt_logprobs: 2,
      type: 'sample',
    });
    expect(sent('asample')[0]?.headers.get('x-tinker-sampling-backpressure')).toBe('1');
    const polls = sent('retrieve_future').slice(-3);
    expect(polls.every((poll) => poll.headers.get('x-tinker-request-type') === 'Sample')).toBe(true);
    expect(polls.every((poll) => poll.headers.get('accept') === 'application/x-protobuf')).toBe(true);
    expect(answered.at(-1)).toEqual({ path: 'retrieve_future', status: 200, type: 'application/x-protobuf' });
    await sampler.sample(prompt, 1, {});
    expect((await bodyOf('asample', 1)).seq_id).toBe(1);
    expect(await sampler.getBaseModel()).toBe('Qwen/Qwen3-8B');
  });

  it('reads a JSON sample result too (older servers), and fails a protobuf result it cannot read with ResponseValidationError', async () => {
    const client = service();
    const sampler = await client.createSamplingClient({ base_model: 'Qwen/Qwen3-8B' });
    const prompt = { chunks: [{ type: 'encoded_text' as const, tokens: [4] }] };
    const json = { type: 'sample', sequences: [{ stop_reason: 'stop', tokens: [7, 8] }] };
    server.use(http.post(`${BASE}/retrieve_future`, () => HttpResponse.json(json), { once: true }));
    await expect(sampler.sample(prompt, 1, {})).resolves.toEqual(json);
    const broken = new Uint8Array([0x0a, 0x05, 0x08]); // a sequence cut short
    server.use(
      http.post(`${BASE}/retrieve_future`, () => new HttpResponse(broken, { headers: { 'Content-Type': 'application/x-protobuf' } }), {
        once: true,
      }),
    );
    const error = await rejection(sampler.sample(prompt, 1, {}));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(/not a valid protobuf SampleResponse/);
  });

  it('samples a base model, and needs exactly one of model_path and base_model', async () => {
    const client = service();
    const sampler = await client.createSamplingClient({ base_model: 'meta-llama/Llama-3.2-1B' });
    const result = await sampler.sample({ chunks: [{ type: 'encoded_text', tokens: [9] }] }, 1, { max_tokens: 3, seed: 4 });
    expect(result.sequences[0]?.stop_reason).toBe('length');
    expect(await rejection(client.createSamplingClient({}))).toBeInstanceOf(InvalidRequestError);
    expect(await rejection(client.createSamplingClient({ base_model: 'x', model_path: 'tinker://a/sampler_weights/b' }))).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(await rejection(client.createSamplingClient({ model_path: 'sampler_weights/b' }))).toBeInstanceOf(InvalidTinkerPathError);
    const bad = await rejection(sampler.sample({ chunks: [] }, 0, {}));
    expect((bad as InvalidRequestError).field).toBe('body.num_samples');
  });
});
