import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../tensafe/sha256.js';
import { verifyAuditChain } from '../tensafe/tensafe-audit.js';
import { createTenSafeMock, tensafeService } from './tensafe.js';

const BASE = 'http://localhost:8000/api';
const KEY = 'ts-test-key';

/** Send one request through the handlers, as the sandbox does over node:http. */
function send(
  handlers: ReturnType<typeof createTenSafeMock>['handlers'],
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers };
  const request = new Request(`${BASE}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  return getResponse(handlers, request) as Promise<Response>;
}

describe('createTenSafeMock', () => {
  it('answers auth as the server does: no header 422, no Bearer prefix 401 without details, any key its own tenant', async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE });
    const none = (await getResponse(handlers, new Request(`${BASE}/v1/training_clients`))) as Response;
    expect(none.status).toBe(422);
    expect(await none.json()).toEqual({
      detail: [{ type: 'missing', loc: ['header', 'authorization'], msg: 'Field required', input: null }],
    });
    for (const authorization of ['', `Token ${KEY}`]) {
      const refused = await send(handlers, 'GET', '/v1/training_clients', { headers: { authorization } });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({
        detail: { error: { code: 'AUTHENTICATION_REQUIRED', message: 'Invalid authorization header' } },
      });
    }
    const mine = (await (await send(handlers, 'GET', '/v1/training_clients')).json()) as { tenant_id: string }[];
    const stranger = await send(handlers, 'GET', '/v1/training_clients', { headers: { authorization: 'Bearer ts-never-seen' } });
    expect(stranger.status).toBe(200);
    expect(await stranger.json()).toEqual([]);
    expect(mine).toHaveLength(3);
    expect(mine[0]?.tenant_id).toBe(`tenant-${sha256Hex(KEY).slice(0, 8)}`);
    const created = await send(handlers, 'POST', '/v1/training_clients', {
      body: { model_ref: 'm' },
      headers: { authorization: 'Bearer ts-never-seen' },
    });
    expect(((await created.json()) as { tenant_id: string }).tenant_id).toBe(`tenant-${sha256Hex('ts-never-seen').slice(0, 8)}`);
  });

  it("answers 404 for another tenant's training client, future and artifact, in the server's exact envelopes", async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE, artifactSize: 64 });
    await state.ready;
    const [client] = state.trainingClients.keys();
    const [artifact] = state.artifacts.keys();
    const future = (await (await send(handlers, 'POST', `/v1/training_clients/${client}/optim_step`, { body: {} })).json()) as {
      future_id: string;
    };
    const other = { headers: { authorization: 'Bearer ts-other-tenant' } };
    const answers = await Promise.all([
      send(handlers, 'GET', `/v1/training_clients/${client}`, other),
      send(handlers, 'POST', `/v1/training_clients/${client}/sample`, { ...other, body: { prompts: ['x'] } }),
      send(handlers, 'GET', `/v1/futures/${future.future_id}`, other),
      send(handlers, 'GET', `/v1/futures/${future.future_id}/result`, other),
      send(handlers, 'GET', `/v1/artifacts/${artifact}/content`, other),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404]);
    expect(await Promise.all(answers.map((answer) => answer.json()))).toEqual([
      {
        detail: {
          error: {
            code: 'TRAINING_CLIENT_NOT_FOUND',
            message: `Training client '${client}' not found`,
            details: { training_client_id: client },
          },
        },
      },
      { detail: { error: { code: 'TRAINING_CLIENT_NOT_FOUND', message: `Training client '${client}' not found` } } },
      { detail: { error: { code: 'FUTURE_NOT_FOUND', message: `Future '${future.future_id}' not found` } } },
      { detail: { error: { code: 'FUTURE_NOT_FOUND', message: `Future '${future.future_id}' not found` } } },
      { detail: { error: { code: 'ARTIFACT_NOT_FOUND', message: `Artifact '${artifact}' not found` } } },
    ]);
    expect(answers.every((answer) => answer.headers.get('x-request-id') === null)).toBe(true);
  });

  it("answers load_state with the training client's status, as the server does", async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE, artifactSize: 64 });
    await state.ready;
    const [artifact] = state.artifacts.values();
    const created = (await (await send(handlers, 'POST', '/v1/training_clients', { body: { model_ref: 'm' } })).json()) as {
      training_client_id: string;
    };
    const loaded = await send(handlers, 'POST', `/v1/training_clients/${created.training_client_id}/load_state`, {
      body: { artifact_id: artifact?.artifact_id },
    });
    expect(await loaded.json()).toEqual({
      training_client_id: created.training_client_id,
      loaded_artifact_id: artifact?.artifact_id,
      step: 3,
      status: 'ready',
    });
  });

  it('echoes the config with every default filled in; a DP client shows DP metrics from the start, but not on create or in the list', async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE });
    const created = await send(handlers, 'POST', '/v1/training_clients', {
      body: { model_ref: 'm', lora_config: { rank: 8 }, optimizer: { name: 'sgd' }, dp_config: { noise_multiplier: 1.1 } },
    });
    const info = (await created.json()) as { training_client_id: string; config: unknown; dp_metrics: unknown };
    expect(info.config).toEqual({
      model_ref: 'm',
      lora_config: { rank: 8, alpha: 32, dropout: 0.05, target_modules: ['q_proj', 'v_proj', 'k_proj', 'o_proj'], bias: 'none' },
      optimizer: { name: 'sgd', learning_rate: 0.0001, weight_decay: 0.01, betas: [0.9, 0.999], eps: 1e-8 },
      dp_config: { enabled: true, noise_multiplier: 1.1, max_grad_norm: 1, target_epsilon: 8, target_delta: 1e-5, accountant_type: 'rdp' },
      batch_size: 8,
      gradient_accumulation_steps: 1,
      max_steps: null,
      metadata: {},
    });
    expect(info.dp_metrics).toBeNull();
    const got = (await (await send(handlers, 'GET', `/v1/training_clients/${info.training_client_id}`)).json()) as { dp_metrics: unknown };
    expect(got.dp_metrics).toEqual({ total_epsilon: 0, delta: 1e-5, num_steps: 0 });
    const listed = (await (await send(handlers, 'GET', '/v1/training_clients')).json()) as { dp_metrics: unknown }[];
    expect(listed.map((entry) => entry.dp_metrics)).toEqual([null, null, null, null]);
  });

  it('lists every client of the tenant whatever status and limit say, as the server (which reads neither) does', async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE });
    const all = (await (await send(handlers, 'GET', '/v1/training_clients')).json()) as unknown[];
    const filtered = await send(handlers, 'GET', '/v1/training_clients?status=failed&limit=1');
    expect(filtered.status).toBe(200);
    expect(await filtered.json()).toEqual(all);
  });

  it("saves state with the caller's metadata only (plus dp_metrics for a DP client)", async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE, artifactSize: 64 });
    await state.ready;
    const [dpClient, plainClient] = state.trainingClients.keys();
    const save = async (id: string | undefined) =>
      (await (await send(handlers, 'POST', `/v1/training_clients/${id}/save_state`, { body: { metadata: { note: 'n' } } })).json()) as {
        metadata: unknown;
        dp_metrics: unknown;
      };
    const plain = await save(plainClient);
    expect([plain.metadata, plain.dp_metrics]).toEqual([{ note: 'n' }, null]);
    const dp = { total_epsilon: 1.5, delta: 1e-5, num_steps: 3 };
    const private_ = await save(dpClient);
    expect([private_.metadata, private_.dp_metrics]).toEqual([{ note: 'n', dp_metrics: dp }, dp]);
  });

  it('reports only clipping in the DP metrics of a forward_backward result, as the server orchestrator does', async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE, pollsUntilDone: 1 });
    const [dpClient] = state.trainingClients.keys();
    const batch = { input_ids: [[1, 2]], attention_mask: [[1, 1]] };
    const future = (await (
      await send(handlers, 'POST', `/v1/training_clients/${dpClient}/forward_backward`, { body: { batch } })
    ).json()) as {
      future_id: string;
    };
    await send(handlers, 'GET', `/v1/futures/${future.future_id}`);
    const { result } = (await (await send(handlers, 'GET', `/v1/futures/${future.future_id}/result`)).json()) as {
      result: { dp_metrics: object };
    };
    expect(Object.keys(result.dp_metrics).sort()).toEqual([
      'grad_norm_after_clip',
      'grad_norm_before_clip',
      'noise_applied',
      'num_clipped',
    ]);
  });

  it('writes forward_backward and optim_step audit entries only when a finished result is read, once per read, as the server does', async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE, pollsUntilDone: 1 });
    const created = (await (await send(handlers, 'POST', '/v1/training_clients', { body: { model_ref: 'm' } })).json()) as {
      training_client_id: string;
    };
    const id = created.training_client_id;
    const operations = () => state.auditLog.filter((entry) => entry.training_client_id === id).map((entry) => entry.operation);
    const batch = { input_ids: [[1, 2]], attention_mask: [[1, 1]] };
    const future = (await (await send(handlers, 'POST', `/v1/training_clients/${id}/forward_backward`, { body: { batch } })).json()) as {
      future_id: string;
    };
    const early = (await (await send(handlers, 'GET', `/v1/futures/${future.future_id}/result`)).json()) as { status: string };
    expect(early.status).toBe('pending');
    await send(handlers, 'GET', `/v1/futures/${future.future_id}`);
    expect(operations()).toEqual(['create_training_client']);
    await send(handlers, 'GET', `/v1/futures/${future.future_id}/result`);
    await send(handlers, 'GET', `/v1/futures/${future.future_id}/result`);
    expect(operations()).toEqual(['create_training_client', 'forward_backward', 'forward_backward']);
    const entry = state.auditLog.at(-1);
    const polled = (await (await send(handlers, 'GET', `/v1/futures/${future.future_id}`)).json()) as {
      started_at: string;
      completed_at: string;
    };
    expect(entry).toMatchObject({ success: true, error_code: null, error_message: null });
    expect([entry?.started_at, entry?.completed_at]).toEqual([polled.started_at, polled.completed_at]);
    expect(verifyAuditChain(state.auditLog).valid).toBe(true);
  });

  it('audits a failed future as unsuccessful with its error message and no error code', async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE, pollsUntilDone: 1 });
    const created = (await (
      await send(handlers, 'POST', '/v1/training_clients', {
        body: { model_ref: 'm', dp_config: { noise_multiplier: 0.1, target_epsilon: 1 } },
      })
    ).json()) as { training_client_id: string };
    const future = (await (
      await send(handlers, 'POST', `/v1/training_clients/${created.training_client_id}/optim_step`, { body: {} })
    ).json()) as { future_id: string };
    await send(handlers, 'GET', `/v1/futures/${future.future_id}`);
    const read = (await (await send(handlers, 'GET', `/v1/futures/${future.future_id}/result`)).json()) as {
      status: string;
      error: string;
    };
    expect(read.status).toBe('failed');
    expect(state.auditLog.at(-1)).toMatchObject({ operation: 'optim_step', success: false, error_code: null, error_message: read.error });
  });

  it("answers the audit log's bad paging as FastAPI does and ignores a time it cannot read, as the server ignores the window", async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE });
    const bad = await send(handlers, 'GET', '/v1/audit_logs?limit=0');
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({
      detail: [
        {
          type: 'greater_than_equal',
          loc: ['query', 'limit'],
          msg: 'Input should be greater than or equal to 1',
          input: '0',
          ctx: { ge: 1 },
        },
      ],
    });
    const unparsable = await send(handlers, 'GET', '/v1/audit_logs?offset=x');
    expect(await unparsable.json()).toEqual({
      detail: [
        {
          type: 'int_parsing',
          loc: ['query', 'offset'],
          msg: 'Input should be a valid integer, unable to parse string as an integer',
          input: 'x',
        },
      ],
    });
    const tooMany = await send(handlers, 'GET', '/v1/audit_logs?limit=1001');
    expect(((await tooMany.json()) as { detail: { ctx: unknown }[] }).detail[0]?.ctx).toEqual({ le: 1000 });
    const all = await (await send(handlers, 'GET', '/v1/audit_logs')).json();
    const unreadable = await send(handlers, 'GET', '/v1/audit_logs?start_time=garbage');
    expect(unreadable.status).toBe(200);
    expect(await unreadable.json()).toEqual(all);
  });

  it('answers in the order FastAPI runs a route: JSON parse, auth dependency, body check, then the route', async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE });
    const post = (headers: Record<string, string>, body: string) =>
      getResponse(
        handlers,
        new Request(`${BASE}/v1/training_clients/tc-unknown/forward_backward`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        }),
      ) as Promise<Response>;
    const badJson = await post({ authorization: 'Token x' }, '{bad');
    expect(badJson.status).toBe(422);
    expect(await badJson.json()).toMatchObject({
      detail: [{ type: 'json_invalid', loc: ['body', 1], msg: 'JSON decode error', input: {} }],
    });
    const both = await post({}, '{"batch": {"input_ids": [[1]]}}');
    expect(((await both.json()) as { detail: { loc: unknown[] }[] }).detail.map((problem) => problem.loc)).toEqual([
      ['header', 'authorization'],
      ['body', 'batch', 'attention_mask'],
    ]);
    expect((await post({ authorization: 'Token x' }, '{"batch": {}}')).status).toBe(401);
    expect((await post({ authorization: `Bearer ${KEY}` }, '{"batch": {}}')).status).toBe(422);
    expect((await post({ authorization: `Bearer ${KEY}` }, '{"batch": {"input_ids": [[1]], "attention_mask": [[1]]}}')).status).toBe(404);
  });

  it('answers a write without a body as FastAPI does', async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE });
    const [client] = state.trainingClients.keys();
    const response = await send(handlers, 'POST', `/v1/training_clients/${client}/optim_step`);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const ids = async (seed: number) => {
      const mock = createTenSafeMock({ baseURL: BASE, seed, artifactSize: 64 });
      await mock.state.ready;
      return [
        ...mock.state.trainingClients.keys(),
        ...mock.state.artifacts.keys(),
        ...mock.state.auditLog.map((entry) => entry.record_hash),
      ];
    };
    expect(await ids(7)).toEqual(await ids(7));
    expect(await ids(7)).not.toEqual(await ids(8));
  });

  it('moves a future pending → running → completed over polls and replays a repeated Idempotency-Key', async () => {
    const { handlers, state } = createTenSafeMock({ baseURL: BASE, pollsUntilDone: 2 });
    const created = await send(handlers, 'POST', '/v1/training_clients', { body: { model_ref: 'm' } });
    expect(created.status).toBe(201);
    const tc = (await created.json()) as { training_client_id: string };
    const submit = () =>
      send(handlers, 'POST', `/v1/training_clients/${tc.training_client_id}/optim_step`, {
        body: { apply_dp_noise: true },
        headers: { 'idempotency-key': 'k-1' },
      });
    const first = await submit();
    const again = await submit();
    expect(first.status).toBe(202);
    const future = (await first.json()) as { future_id: string; status: string };
    expect(await again.json()).toEqual(future);
    expect(future.status).toBe('pending');
    expect(state.futures.size).toBe(1);
    const poll = async () => ((await (await send(handlers, 'GET', `/v1/futures/${future.future_id}`)).json()) as { status: string }).status;
    expect(await poll()).toBe('running');
    expect(state.trainingClients.get(tc.training_client_id)?.info.status).toBe('busy');
    expect(await poll()).toBe('completed');
    const result = await (await send(handlers, 'GET', `/v1/futures/${future.future_id}/result`)).json();
    expect(result).toEqual({ future_id: future.future_id, status: 'completed', result: { step: 1, learning_rate: 0.0001 }, error: null });
    expect(state.trainingClients.get(tc.training_client_id)?.info.status).toBe('ready');
    expect(verifyAuditChain(state.auditLog).valid).toBe(true);
  });

  it("answers FastAPI's 422 for a body that breaks the schema", async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE });
    const response = await send(handlers, 'POST', '/v1/training_clients', { body: { model_ref: 'm', lora_config: { rank: 0 } } });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [
        {
          type: 'greater_than_equal',
          loc: ['body', 'lora_config', 'rank'],
          msg: 'Input should be greater than or equal to 1',
          input: 0,
          ctx: { ge: 1 },
        },
      ],
    });
  });

  it('exports the operation table for request validation', () => {
    expect(tensafeService.name).toBe('tensafe');
    expect(Object.keys(tensafeService.operations)).toContain('GET /v1/artifacts/{artifact_id}/content');
  });
});
