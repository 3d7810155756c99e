import { validate } from '@trainwire/core';
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { encodeForwardBackwardRequest, type ForwardBackwardRequestFields } from '../tinker/tinker-proto-request.js';
import { decodeForwardBackwardOutput, decodeSampleResponse } from '../tinker/tinker-proto-results.js';
import { createTinkerMock, TINKER_MOCK_CLIENT_CONFIG, tinkerService } from './tinker.js';

const BASE = 'https://tinker.thinkingmachines.dev/services/tinker-prod/api/v1';
async function call(mock: ReturnType<typeof createTinkerMock>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { 'X-API-Key': 'tml-mock-key', 'Content-Type': 'application/json', ...init.headers };
  const response = await getResponse(mock.handlers, new Request(`${BASE}${path}`, { ...init, headers }));
  if (!response) throw new Error(`no handler answered ${path}`);
  return response;
}

describe('createTinkerMock', () => {
  it('answers through getResponse (how the sandbox serves it), checking X-API-Key', async () => {
    const mock = createTinkerMock();
    const ok = await call(mock, '/training_runs?limit=2');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { training_runs: unknown[] }).training_runs).toHaveLength(2);
    const denied = await getResponse(mock.handlers, new Request(`${BASE}/training_runs`, { headers: { 'X-API-Key': 'tml-other' } }));
    expect(denied?.status).toBe(401);
    expect(await denied?.json()).toEqual({ detail: 'Invalid or missing API key' });
  });

  it('answers a bad page window with 400 naming the parameter, and stamps every answer with a seeded x-request-id', async () => {
    const mock = createTinkerMock();
    const zero = await call(mock, '/training_runs?limit=0');
    expect(zero.status).toBe(400);
    expect(await zero.json()).toEqual({ detail: 'query.limit: Input should be greater than or equal to 1' });
    expect((await call(mock, '/sessions?limit=1001')).status).toBe(400);
    expect(((await (await call(mock, '/checkpoints?offset=-1')).json()) as { detail: string }).detail).toMatch(/^query\.offset: /);
    const ids = async (seed: number) => {
      const fresh = createTinkerMock({ seed });
      return [
        (await call(fresh, '/training_runs')).headers.get('x-request-id'),
        (await call(fresh, '/sessions')).headers.get('x-request-id'),
      ];
    };
    const first = await ids(4);
    expect(first[0]).toMatch(/^req_[0-9a-f]{24}$/);
    expect(first[1]).not.toBe(first[0]);
    expect(await ids(4)).toEqual(first);
  });

  it('seeds the same data for the same seed, and other data for another', async () => {
    const ids = (seed: number) => [...createTinkerMock({ seed }).state.models.keys()];
    expect(ids(5)).toEqual(ids(5));
    expect(ids(5)).not.toEqual(ids(6));
    const mock = createTinkerMock({ seed: 5, trainingRuns: 2, checkpointsPerRun: 4 });
    const own = [...mock.state.models.values()].filter((model) => model.run.model_owner === mock.state.owner);
    expect(own.map((model) => model.checkpoints.length)).toEqual([4, 4]);
    expect(own[0]?.checkpoints[0]?.tinker_path).toMatch(/^tinker:\/\/[0-9a-f-]{36}:train:0\/weights\/0100$/);
  });

  it('exports the operation table for request validation', () => {
    expect(tinkerService.name).toBe('tinker');
    expect(tinkerService.auth).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(tinkerService.idempotencyHeader).toBe('X-Idempotency-Key');
    expect(tinkerService.operations['POST /api/v1/retrieve_future']?.operationId).toBe('retrieveFuture');
    expect(tinkerService.operations['GET /api/v1/training_runs']?.pagination).toMatchObject({
      style: 'offset',
      total: 'cursor.total_count',
    });
  });

  it("takes the SDK's X-Tinker-Create-Promise-Roundtrip-Time, Python's str(float), and refuses what is not a number", () => {
    const header = tinkerService.operations['POST /api/v1/retrieve_future']?.params.header;
    const check = (value: string) =>
      validate(header, { 'x-tinker-create-promise-roundtrip-time': value }, tinkerService.schemas, {}, 'header');
    for (const value of ['4.291534423828125e-06', '1e-05', '0.25', '12', '-0.001', '1.5E+16']) expect(check(value)).toBeUndefined();
    for (const value of ['fast', '1e', '.5', '0x10', '1,5'])
      expect(check(value)?.path).toBe('header.x-tinker-create-promise-roundtrip-time');
  });

  it('replays a write that repeats its X-Idempotency-Key', async () => {
    const mock = createTinkerMock();
    const body = JSON.stringify({ tags: [], sdk_version: 'x', type: 'create_session' });
    const headers = { 'X-Idempotency-Key': 'same' };
    const first = (await (await call(mock, '/create_session', { method: 'POST', body, headers })).json()) as { session_id: string };
    const second = (await (await call(mock, '/create_session', { method: 'POST', body, headers })).json()) as { session_id: string };
    expect(second.session_id).toBe(first.session_id);
    const third = (await (await call(mock, '/create_session', { method: 'POST', body })).json()) as { session_id: string };
    expect(third.session_id).not.toBe(first.session_id);
  });

  it('scales the archive Retry-After with speed and answers 404 for unknown futures', async () => {
    const mock = createTinkerMock({ speed: 10 });
    const model = [...mock.state.models.values()][0];
    const checkpoint = model?.checkpoints[0];
    const path = `/training_runs/${encodeURIComponent(model?.run.training_run_id ?? '')}/checkpoints/${checkpoint?.checkpoint_id}/archive`;
    const building = await call(mock, path);
    expect(building.status).toBe(503);
    expect(building.headers.get('retry-after-ms')).toBe('3000');
    expect(building.headers.get('retry-after')).toBe('3');
    const ready = await call(mock, path);
    expect(ready.status).toBe(302);
    expect(Date.parse(ready.headers.get('expires') ?? '')).toBeGreaterThan(Date.now());
    const unknown = await call(mock, '/retrieve_future', { method: 'POST', body: JSON.stringify({ request_id: 'nope' }) });
    expect(unknown.status).toBe(404);
  });

  it('answers client/config with every flag SDK 0.25 reads (pyqwest off), dynamic config, and accepts telemetry', async () => {
    const mock = createTinkerMock({ clientConfig: { fwdbwd_max_chunk_len: 64 } });
    const post = (path: string, body: unknown) => call(mock, path, { method: 'POST', body: JSON.stringify(body) });
    const config = await post('/client/config', { sdk_version: '0.25.0' });
    expect(await config.json()).toEqual({ ...TINKER_MOCK_CLIENT_CONFIG, use_pyqwest_transport: false, fwdbwd_max_chunk_len: 64 });
    expect(Object.keys(TINKER_MOCK_CLIENT_CONFIG)).toHaveLength(15);
    expect((await post('/client/config', {})).status).toBe(400);
    expect(await (await post('/client/dynamic_config', { sdk_version: '0.25.0' })).json()).toEqual({ refresh_interval_sec: 300 });
    const event = { event: 'SESSION_START', event_id: 'e1', event_session_index: 0, severity: 'INFO', timestamp: '2026-01-05T09:00:00Z' };
    const batch = { events: [event], platform: 'Linux', sdk_version: '0.25.0', session_id: 's1', process_uuid: 'p1' };
    const accepted = await post('/telemetry', batch);
    expect(await accepted.json()).toEqual({ status: 'accepted' });
    expect(mock.state.telemetryBatches).toBe(1);
    expect(mock.state.telemetryEvents).toEqual([event]);
  });

  it('takes forward_backward as protobuf or JSON, and answers a result as protobuf only when the poll asks for it', async () => {
    const mock = createTinkerMock({ pollsUntilDone: 0 });
    const model = [...mock.state.models.values()].find((item) => item.run.model_owner === mock.state.owner);
    const request: ForwardBackwardRequestFields = {
      model_id: model?.run.training_run_id ?? '',
      seq_id: 1,
      forward_only: true,
      forward_backward_input: {
        loss_fn: 'cross_entropy',
        data: [
          {
            model_input: { chunks: [{ type: 'encoded_text', tokens: [1, 2, 3] }] },
            loss_fn_inputs: { target_tokens: { data: [2, 3, 4], dtype: 'int64' } },
          },
        ],
      },
    };
    const protobuf = { 'Content-Type': 'application/x-protobuf' };
    const submit = async (init: RequestInit) =>
      ((await (await call(mock, '/forward_backward', { method: 'POST', ...init })).json()) as { request_id: string }).request_id;
    const poll = (requestId: string, accept: string) =>
      call(mock, '/retrieve_future', { method: 'POST', headers: { Accept: accept }, body: JSON.stringify({ request_id: requestId }) });

    const viaProtobuf = await submit({ headers: protobuf, body: encodeForwardBackwardRequest(request) as BodyInit });
    const answer = await poll(viaProtobuf, 'application/x-protobuf');
    expect(answer.headers.get('content-type')).toBe('application/x-protobuf');
    const decoded = decodeForwardBackwardOutput(new Uint8Array(await answer.arrayBuffer()));
    expect(mock.state.futures.get(viaProtobuf)?.type).toBe('Forward');
    expect(model?.gradients).toBe(false);

    const { forward_only: _forwardOnly, ...json } = request;
    const viaJson = await submit({ body: JSON.stringify({ ...json, seq_id: 2 }) });
    const jsonAnswer = await poll(viaJson, 'application/json');
    expect(jsonAnswer.headers.get('content-type')).toMatch(/^application\/json/);
    const expected = (await jsonAnswer.json()) as typeof decoded;
    expect(mock.state.futures.get(viaJson)?.type).toBe('ForwardBackward');
    // The same pass, its logprobs rounded to float32 on the protobuf wire.
    expect(decoded.metrics).toEqual(expected.metrics);
    expect(decoded.loss_fn_outputs[0]?.logprobs?.data).toEqual(expected.loss_fn_outputs[0]?.logprobs?.data.map(Math.fround));
  });

  it('answers a sample result as protobuf when asked, and refuses protobuf it cannot read', async () => {
    const mock = createTinkerMock({ pollsUntilDone: 0 });
    const body = {
      num_samples: 2,
      prompt: { chunks: [{ type: 'encoded_text', tokens: [5, 6] }] },
      sampling_params: { max_tokens: 3 },
      prompt_logprobs: true,
      type: 'sample',
    };
    const { request_id } = (await (await call(mock, '/asample', { method: 'POST', body: JSON.stringify(body) })).json()) as {
      request_id: string;
    };
    const answer = await call(mock, '/retrieve_future', {
      method: 'POST',
      headers: { Accept: 'application/x-protobuf' },
      body: JSON.stringify({ request_id }),
    });
    const sample = decodeSampleResponse(new Uint8Array(await answer.arrayBuffer()));
    expect(sample.sequences.map((sequence) => sequence.tokens.length)).toEqual([3, 3]);
    expect(sample.prompt_logprobs?.[0]).toBeNull();

    const protobuf = { 'Content-Type': 'application/x-protobuf' };
    const post = (path: string, init: RequestInit) => call(mock, path, { method: 'POST', ...init });
    const zstd = await post('/forward_backward', { headers: { ...protobuf, 'Content-Encoding': 'zstd' }, body: new Uint8Array([1]) });
    expect(zstd.status).toBe(415);
    expect(((await zstd.json()) as { detail: string }).detail).toMatch(/proto_compress_fwdbwd: false/);
    const garbage = await post('/forward_backward', { headers: protobuf, body: new Uint8Array([0x1a, 0x05, 0x0a]) });
    expect(garbage.status).toBe(400);
    const unknownLoss = encodeForwardBackwardRequest({ model_id: 'm', forward_backward_input: { loss_fn: 'cross_entropy', data: [] } });
    const patched = new Uint8Array([
      ...unknownLoss.subarray(0, unknownLoss.length - 'cross_entropy'.length),
      ...new TextEncoder().encode('cross_entrop!'),
    ]);
    const badLoss = await post('/forward_backward', { headers: protobuf, body: patched });
    expect(badLoss.status).toBe(400);
    expect(((await badLoss.json()) as { detail: string }).detail).toMatch(/forward_backward_input\.loss_fn/);
    expect((await post('/forward', { headers: protobuf, body: unknownLoss as BodyInit })).status).toBe(415);
  });

  it('exchanges the key for a JWT at auth/token (pjwt_auth_enabled) and takes that JWT as X-API-Key until it expires', async () => {
    const mock = createTinkerMock({ clientConfig: { pjwt_auth_enabled: true } });
    const config = (await (await call(mock, '/client/config', { method: 'POST', body: '{"sdk_version":"0.25.0"}' })).json()) as Record<
      string,
      unknown
    >;
    expect(config.pjwt_auth_enabled).toBe(true);
    const { jwt } = (await (await call(mock, '/auth/token', { method: 'POST', body: '{}' })).json()) as { jwt: string };
    const [, payload] = jwt.split('.');
    const claims = JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { sub: string; exp: number };
    expect(claims.sub).toBe(mock.state.owner);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now() + 3_000_000);
    const withJwt = await call(mock, '/training_runs?limit=1', { headers: { 'X-API-Key': jwt } });
    expect(withJwt.status).toBe(200);
    mock.state.jwts.set(jwt, Date.now() - 1);
    const expired = await call(mock, '/training_runs?limit=1', { headers: { 'X-API-Key': jwt } });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ detail: 'Invalid JWT: expired' });
    const forged = await call(mock, '/training_runs?limit=1', {
      headers: { 'X-API-Key': `${jwt.slice(0, -1)}${jwt.endsWith('0') ? '1' : '0'}` },
    });
    expect(forged.status).toBe(401);
  });
});
