import {
  FutureCancelledError as CoreFutureCancelledError,
  FutureFailedError as CoreFutureFailedError,
  FutureTimeoutError as CoreFutureTimeoutError,
  InvalidRequestError,
  ResponseValidationError,
} from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createTenSafeMock, type TenSafeMockOptions } from '../mocks/tensafe.js';
import { ServiceClient } from './tensafe-client.js';
import {
  ArtifactNotFoundError,
  DPBudgetExceededError,
  FutureCancelledError,
  FutureFailedError,
  FutureNotFoundError,
  FutureTimeoutError,
  TGTinkerError,
} from './tensafe-errors.js';

const BASE = 'https://api.tensafe.dev';
let mockOptions: TenSafeMockOptions = {};
let mock = createTenSafeMock();
const { server, requests } = useMockServer(() => {
  mock = createTenSafeMock({ artifactSize: 1024, ...mockOptions });
  mockOptions = {};
  return mock.handlers;
});
const useMock = (options: TenSafeMockOptions) => {
  mock = createTenSafeMock({ artifactSize: 1024, ...options });
  server.resetHandlers(...mock.handlers);
};

const service = () => new ServiceClient({ apiKey: 'ts-test-key', logLevel: 'off', pollInterval: 5 });
const batch = {
  input_ids: [
    [101, 2023, 2003],
    [101, 2178, 0],
  ],
  attention_mask: [
    [1, 1, 1],
    [1, 1, 0],
  ],
};
const paths = () => requests.map((request) => `${request.method} ${request.url.pathname.replace(/(tc|fut)-[0-9a-f-]{36}/g, '$1-*')}`);

describe('TenSafe TrainingClient futures', () => {
  it('forwardBackward: 202, then polls the status and reads the result; the loss of the mock orchestrator', async () => {
    useMock({ pollsUntilDone: 3 });
    const tc = await service().createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 16 } });
    const future = tc.forwardBackward(batch);
    const progress: unknown[] = [];
    future.onProgress((item) => progress.push(item));
    const result = await future.result({ timeout: 5_000 });
    expect(result).toMatchObject({ loss: 2.5, tokens_processed: 5 });
    expect(result.grad_norm).toBeGreaterThan(0);
    expect(progress).toEqual([
      { status: 'running', operation: 'forward_backward', started_at: expect.any(String) },
      { status: 'running', operation: 'forward_backward', started_at: expect.any(String) },
    ]);
    expect(paths()).toEqual([
      'POST /v1/training_clients',
      'POST /v1/training_clients/tc-*/forward_backward',
      'GET /v1/futures/fut-*',
      'GET /v1/futures/fut-*',
      'GET /v1/futures/fut-*',
      'GET /v1/futures/fut-*/result',
    ]);
    expect(await requests[1]?.body).toBe(JSON.stringify({ batch }));
    expect(requests[1]?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(future.id).toMatch(/^fut-/);
    expect(future.state).toBe('done');
  });

  it('getFuture(id) rebuilds a future from its id: isDone() polls once, result() finishes it', async () => {
    useMock({ pollsUntilDone: 2 });
    const ts = service();
    const tc = await ts.createTrainingClient({ model_ref: 'm' });
    const future = tc.optimStep();
    const id = await future.submitted();
    const again = ts.getFuture(id);
    expect(await again.isDone()).toBe(false);
    expect(await again.isDone()).toBe(true);
    await expect(again.result()).resolves.toEqual({ step: 1, learning_rate: 0.0001 });
    await expect(ts.resumeFuture(future.serialize())).resolves.toEqual({ step: 1, learning_rate: 0.0001 });
    expect((await again.status()).status).toBe('completed');
    expect(await requests.find((request) => request.url.pathname.endsWith('/optim_step'))?.body).toBe('{"apply_dp_noise":true}');
  });

  it('fails with DPBudgetExceededError (a FutureFailedError with its category) once the privacy budget is spent', async () => {
    useMock({ pollsUntilDone: 1 });
    const tc = await service().createTrainingClient({ model_ref: 'm', dp_config: { noise_multiplier: 1, target_epsilon: 1 } });
    await expect(tc.optimStep()).resolves.toMatchObject({
      step: 1,
      dp_metrics: { noise_applied: true, epsilon_spent: 0.5, total_epsilon: 0.5 },
    });
    await expect(tc.optimStep()).resolves.toMatchObject({ step: 2, dp_metrics: { total_epsilon: 1 } });
    const error = await tc.optimStep().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DPBudgetExceededError);
    expect(error).toBeInstanceOf(FutureFailedError);
    expect(error).toBeInstanceOf(CoreFutureFailedError);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect(error).toMatchObject({
      category: 'DP_BUDGET_EXCEEDED',
      code: 'DP_BUDGET_EXCEEDED',
      error_message: 'DP_BUDGET_EXCEEDED: privacy budget exhausted (epsilon 1.5 > target 1)',
    });
    expect((await tc.refresh()).step).toBe(2);
    expect((await tc.optimStep({ apply_dp_noise: false })).step).toBe(3);
  });

  it('cancel() stops a pending future: result() rejects with FutureCancelledError', async () => {
    useMock({ pollsUntilDone: 100 });
    const tc = await service().createTrainingClient({ model_ref: 'm' });
    const future = tc.forwardBackward(batch);
    expect(await future.cancel()).toBe(true);
    const error = await future.result().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FutureCancelledError);
    expect(error).toBeInstanceOf(CoreFutureCancelledError);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect(future.state).toBe('cancelled');
    expect(await future.cancel()).toBe(false);
    expect(paths().filter((path) => path.endsWith('/cancel'))).toEqual(['POST /v1/futures/fut-*/cancel', 'POST /v1/futures/fut-*/cancel']);
  });

  it('result({ timeout }) rejects with FutureTimeoutError and leaves the operation running', async () => {
    useMock({ pollsUntilDone: 1_000 });
    const tc = await service().createTrainingClient({ model_ref: 'm' });
    const future = tc.forwardBackward(batch);
    const error = await future.result({ timeout: 60 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FutureTimeoutError);
    expect(error).toBeInstanceOf(CoreFutureTimeoutError);
    expect(error).toMatchObject({ code: 'FUTURE_TIMEOUT', timeout: 60, futureId: future.id });
    expect(mock.state.futures.get(future.id)?.response.status).toBe('running');
  });

  it('keeps polling through a 503 and an unknown future is FutureNotFoundError', async () => {
    useMock({ pollsUntilDone: 1 });
    const ts = service();
    const tc = await ts.createTrainingClient({ model_ref: 'm' });
    let failures = 1;
    server.use(
      http.get(`${BASE}/v1/futures/:id`, () => (failures-- > 0 ? HttpResponse.json({ detail: 'busy' }, { status: 503 }) : undefined)),
    );
    await expect(tc.forwardBackward(batch, {}, { maxRetries: 0 })).resolves.toMatchObject({ loss: 2.5 });
    const error = await ts
      .getFuture('fut-missing')
      .result()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FutureNotFoundError);
    await expect(ts.getFuture('')).rejects.toThrow(InvalidRequestError);
  });

  it('rejects a batch whose mask does not match input_ids before sending', async () => {
    const tc = await service().getTrainingClient([...mock.state.trainingClients.keys()][0] as string);
    await expect(tc.forwardBackward({ input_ids: [[1, 2]], attention_mask: [[1]] })).rejects.toThrow(
      /batch\.attention_mask\[0\]: must have 2 entries/,
    );
    await expect(tc.forwardBackward({ input_ids: [[1, 2]], attention_mask: [[1, 1]], labels: [] })).rejects.toThrow(InvalidRequestError);
    expect(paths()).toEqual(['GET /v1/training_clients/tc-*']);
  });
});

describe('TenSafe TrainingClient synchronous calls', () => {
  it('samples with the documented defaults', async () => {
    const tc = await service().createTrainingClient({ model_ref: 'm' });
    const result = await tc.sample(['Hello', 'Bye'], { max_tokens: 5 });
    expect(result.samples.map((sample) => sample.completion)).toEqual([
      ' [Generated response at step 0]',
      ' [Generated response at step 0]',
    ]);
    expect(result.samples[0]).toMatchObject({ tokens_generated: 5, finish_reason: 'length' });
    expect(JSON.parse((await requests.at(-1)?.body) ?? '')).toEqual({
      prompts: ['Hello', 'Bye'],
      max_tokens: 5,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 50,
      stop_sequences: [],
    });
    await expect(tc.sample([])).rejects.toThrow(InvalidRequestError);
  });

  it('saves state as an encrypted artifact and loads it back; an unknown artifact is ArtifactNotFoundError', async () => {
    const tc = await service().createTrainingClient({ model_ref: 'm' });
    await tc.optimStep();
    const saved = await tc.saveState({ metadata: { tag: 'best' } });
    expect(saved).toMatchObject({
      artifact_type: 'checkpoint',
      size_bytes: 1024,
      encryption: { algorithm: 'AES-256-GCM' },
    });
    expect(saved.metadata).toEqual({ tag: 'best' });
    expect(saved.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse((await requests.at(-1)?.body) ?? '')).toEqual({ include_optimizer: true, metadata: { tag: 'best' } });
    await tc.optimStep();
    await expect(tc.loadState(saved.artifact_id)).resolves.toEqual({
      training_client_id: tc.id,
      loaded_artifact_id: saved.artifact_id,
      step: 1,
      status: 'ready',
    });
    const error = await tc.loadState('art-missing').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArtifactNotFoundError);
    expect(error).toMatchObject({ code: 'ARTIFACT_NOT_FOUND', status: 404 });
  });

  it("refuses a load_state answer whose status is not a training client's status (the mock once answered 'loaded')", async () => {
    const tc = await service().createTrainingClient({ model_ref: 'm' });
    server.use(
      http.post(`${BASE}/v1/training_clients/:id/load_state`, () =>
        HttpResponse.json({ training_client_id: tc.id, loaded_artifact_id: 'art-1', step: 0, status: 'loaded' }),
      ),
    );
    const error = await tc.loadState('art-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('$.status');
  });

  it('is safe to share: concurrent training clients and steps do not mix', async () => {
    const ts = service();
    const clients = await Promise.all([1, 2, 3].map((rank) => ts.createTrainingClient({ model_ref: 'm', lora_config: { rank } })));
    const steps = await Promise.all(clients.flatMap((tc) => [tc.forwardBackward(batch), tc.optimStep()]));
    expect(steps.filter((step) => 'step' in step).map((step) => (step as { step: number }).step)).toEqual([1, 1, 1]);
    expect(new Set(clients.map((tc) => tc.id)).size).toBe(3);
  });
});
