import { Future, FutureFailedError, FutureTimeoutError, InvalidFutureTokenError, NotFoundError, registerSecret } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createTinkerMock } from '../mocks/tinker.js';
import { FutureExpiredError, RequestFailedError } from './tinker-errors.js';
import type { TinkerFutureProgress } from './tinker-future.js';
import { ServiceClient } from './tinker-service-client.js';
import type { Datum, TrainingClient } from './tinker-training-client.js';

const API = 'https://tinker.thinkingmachines.dev/services/tinker-prod/api/v1';
let mock = createTinkerMock();
const { server, requests } = useMockServer(() => {
  mock = createTinkerMock({ seed: 11, speed: 1000 });
  return mock.handlers;
});

const service = () => new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0 });
const batch: Datum[] = [
  {
    model_input: { chunks: [{ type: 'encoded_text', tokens: [4, 5, 6] }] },
    loss_fn_inputs: { target_tokens: { data: [5, 6, 2], dtype: 'int64' } },
  },
];
const polls = () => requests.filter((request) => request.url.pathname.endsWith('/retrieve_future'));
const submissions = () => requests.filter((request) => request.url.pathname.endsWith('/forward_backward'));
const rejection = async (promise: PromiseLike<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
};
async function trainingClient(): Promise<TrainingClient> {
  const training = await service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' });
  requests.length = 0;
  return training;
}
/** Answer the next `count` polls with `reply`, then let the mock answer. */
function interceptPolls(count: number, reply: () => Response) {
  let left = count;
  server.use(http.post(`${API}/retrieve_future`, () => (left-- > 0 ? reply() : undefined)));
}

describe('Tinker futures (retrieve_future)', () => {
  it('polls with the request id, the iteration and the request type, and a fresh idempotency key per poll', async () => {
    const training = await trainingClient();
    const future = training.forwardBackward(batch, 'cross_entropy', {}, { idempotencyKey: 'submit-key' });
    const requestId = await future.submitted();
    expect(future.id).toBe(requestId);
    await future;
    expect(submissions()[0]?.headers.get('x-idempotency-key')).toBe('submit-key');
    const sent = polls();
    expect(sent).toHaveLength(3);
    for (const [index, poll] of sent.entries()) {
      expect(JSON.parse(await poll.body)).toEqual({ request_id: requestId, allow_metadata_only: true });
      expect(poll.headers.get('x-tinker-request-iteration')).toBe(String(index));
      expect(poll.headers.get('x-tinker-request-type')).toBe('ForwardBackward');
      expect(poll.headers.get('x-idempotency-key')).not.toBe('submit-key');
    }
    expect(sent[0]?.headers.get('x-tinker-create-promise-roundtrip-time')).toMatch(/^\d+\.\d{3}$/);
    expect(sent[1]?.headers.get('x-tinker-create-promise-roundtrip-time')).toBeNull();
  });

  it('never submits a training step twice when its answer is lost: the retry repeats the idempotency key', async () => {
    const training = await trainingClient();
    let dropped = false;
    server.use(
      http.post(`${API}/forward_backward`, async ({ request }) => {
        if (dropped) return undefined;
        dropped = true;
        await getResponse(mock.handlers, request.clone()); // the server did the work...
        return HttpResponse.error(); // ...and the answer never arrived
      }),
    );
    const before = mock.state.futures.size;
    const output = await training.forwardBackward(batch, 'cross_entropy');
    expect(output.loss_fn_outputs).toHaveLength(1);
    expect(mock.state.futures.size - before).toBe(1);
    const keys = submissions().map((request) => request.headers.get('x-idempotency-key'));
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('re-polls at once on try_again and on 408, reporting queue_state through onProgress', async () => {
    mock.state.queueState = 'paused_capacity';
    mock.state.queueStateReason = 'Tinker backend is running short on capacity';
    const training = await trainingClient();
    const future = training.optimStep();
    const progress: TinkerFutureProgress[] = [];
    future.onProgress((value) => progress.push(value as TinkerFutureProgress));
    const started = Date.now();
    await future;
    // At once: backing off (1 s, then 2 s, as after a 429) over the two pending answers would take 3 s;
    // the bound leaves room for a loaded 2-core machine (566 ms seen under a load average of 42).
    expect(Date.now() - started).toBeLessThan(2_500);
    const requestId = future.id;
    // The mock answers a 200 try_again, then a 408, then the result.
    expect(progress).toEqual([
      { request_id: requestId, queue_state: 'paused_capacity', queue_state_reason: 'Tinker backend is running short on capacity' },
      { request_id: requestId, queue_state: 'paused_capacity', queue_state_reason: 'Tinker backend is running short on capacity' },
    ]);
    expect(future.state).toBe('done');
  });

  it('reports queue_state from try_again and 408 on the protobuf path too (a forward pass asks for protobuf)', async () => {
    mock.state.queueState = 'paused_rate_limit';
    mock.state.queueStateReason = 'concurrent training clients rate limit hit';
    const training = await trainingClient();
    const future = training.forwardBackward(batch, 'cross_entropy');
    const progress: TinkerFutureProgress[] = [];
    future.onProgress((value) => progress.push(value as TinkerFutureProgress));
    const output = await future;
    expect(output.loss_fn_outputs[0]?.logprobs?.data).toHaveLength(3);
    expect(polls().map((poll) => poll.headers.get('accept'))).toEqual(Array(3).fill('application/x-protobuf'));
    const reported = {
      request_id: future.id,
      queue_state: 'paused_rate_limit',
      queue_state_reason: 'concurrent training clients rate limit hit',
    };
    expect(progress).toEqual([reported, reported]);
  });

  it('maps an error answer to RequestFailedError with its category', async () => {
    const training = await trainingClient();
    interceptPolls(1, () => HttpResponse.json({ error: 'CUDA out of memory', category: 'server' }));
    const error = await rejection(training.forwardBackward(batch, 'cross_entropy'));
    expect(error).toBeInstanceOf(RequestFailedError);
    expect(error).toBeInstanceOf(FutureFailedError);
    expect(error).toMatchObject({ category: 'server', requestId: expect.any(String), name: 'RequestFailedError' });
    expect(error.message).toMatch(/failed \(server\): CUDA out of memory$/);
  });

  it('submits the original request again on 410 (with a new idempotency key) and follows the new future', async () => {
    const training = await trainingClient();
    const future = training.forwardBackward(batch, 'cross_entropy');
    const firstId = await future.submitted();
    mock.state.expireFuture(firstId);
    const output = await future;
    expect(output.metrics['loss:sum']).toBeGreaterThan(0);
    const sent = submissions();
    expect(sent).toHaveLength(2);
    expect(await sent[1]?.body).toBe(await sent[0]?.body);
    expect(sent[1]?.headers.get('x-idempotency-key')).not.toBe(sent[0]?.headers.get('x-idempotency-key'));
    const ids = await Promise.all(polls().map(async (poll) => JSON.parse(await poll.body).request_id));
    expect(ids[0]).toBe(firstId);
    expect(ids.at(-1)).not.toBe(firstId);
    // The token follows the new request.
    expect((Future.parseToken(future.serialize()).data as { request_id: string }).request_id).toBe(ids.at(-1));
  });

  it('gives up with FutureExpiredError when every resubmission expires too', async () => {
    const training = await trainingClient();
    server.use(http.post(`${API}/retrieve_future`, () => HttpResponse.json({ detail: 'Promise expired' }, { status: 410 })));
    const error = await rejection(training.optimStep());
    expect(error).toBeInstanceOf(FutureExpiredError);
    expect(error.message).toMatch(/forgot this request \(410\) 4 times; giving up/);
    expect(requests.filter((request) => request.url.pathname.endsWith('/optim_step'))).toHaveLength(4);
  });

  it('backs off on 429 (honouring retry-after-ms) and on 5xx, then carries on', async () => {
    const training = await trainingClient();
    let calls = 0;
    server.use(
      http.post(`${API}/retrieve_future`, () => {
        calls += 1;
        if (calls === 1) return HttpResponse.json({ detail: 'slow down' }, { status: 429, headers: { 'retry-after-ms': '20' } });
        if (calls === 2) return HttpResponse.json({ detail: 'bad gateway' }, { status: 502 });
        return undefined;
      }),
    );
    const started = Date.now();
    await training.optimStep();
    // 20 ms after the 429, then core's poll backoff after the 502 (the second failure in a row):
    // 2 s, made up to 25 % shorter at random.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    // Each poll is sent once (maxRetries 0): the future owns the retrying.
    expect(polls().length).toBe(5);
  }, 10_000);

  it('retries a bare 400 (a proxy hiccup) but fails at once on 404', async () => {
    const training = await trainingClient();
    interceptPolls(1, () => new HttpResponse(null, { status: 400 }));
    await expect(training.optimStep()).resolves.toHaveProperty('metrics');
    server.use(http.post(`${API}/retrieve_future`, () => HttpResponse.json({ detail: 'Future not found' }, { status: 404 })));
    const error = await rejection(training.optimStep());
    expect(error).toBeInstanceOf(NotFoundError);
  }, 10_000);

  it('keeps polling through a connection error', async () => {
    const training = await trainingClient();
    interceptPolls(1, () => HttpResponse.error());
    await expect(training.optimStep()).resolves.toHaveProperty('metrics');
    expect(polls().length).toBe(4);
  }, 10_000);

  it('times out a wait with FutureTimeoutError, leaving the future running', async () => {
    const training = await trainingClient();
    server.use(
      http.post(`${API}/retrieve_future`, async ({ request }) => {
        const { request_id } = (await request.json()) as { request_id: string };
        await new Promise((resolve) => setTimeout(resolve, 20));
        return HttpResponse.json({ type: 'try_again', request_id, queue_state: 'active' });
      }),
    );
    const future = training.optimStep();
    const error = await rejection(future.result({ timeout: 100 }));
    expect(error).toBeInstanceOf(FutureTimeoutError);
    expect(future.state).toBe('pending');
  });

  it('serializes and resumes in another client, without the API key in the token', async () => {
    registerSecret('tml-mock-key');
    const training = await trainingClient();
    const future = training.forwardBackward(batch, 'cross_entropy');
    await future.submitted();
    const token = future.serialize();
    expect(atob(token.replace(/-/g, '+').replace(/_/g, '/'))).not.toContain('tml-mock-key');
    const resumed = service().resumeFuture(token);
    expect(resumed.id).toBe(future.id);
    const [again, original] = await Promise.all([resumed, future]);
    expect(again).toEqual(original);
    await expect(service().resumeFuture('not a token')).rejects.toThrow(InvalidFutureTokenError);
  });

  it('fails a resumed future whose token lacks the request with FutureExpiredError on 410', async () => {
    const training = await trainingClient();
    const future = training.optimStep();
    const id = await future.submitted();
    await future;
    const token = new Future({ id, kind: 'tinker.future', data: { request_id: id }, poll: async () => ({ state: 'pending' }) }).serialize();
    mock.state.expireFuture(id);
    const error = await rejection(service().resumeFuture(token));
    expect(error).toBeInstanceOf(FutureExpiredError);
    expect(error.message).toMatch(/resumed without the request/);
  });
});
