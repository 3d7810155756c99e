import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
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
  it('answers auth as the server does: no header 422, no Bearer prefix 401, a wrong key 401', async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE });
    const missing = await send(handlers, 'GET', '/v1/training_clients', { headers: { authorization: '' } });
    expect(missing.status).toBe(401);
    const request = new Request(`${BASE}/v1/training_clients`);
    const none = (await getResponse(handlers, request)) as Response;
    expect(none.status).toBe(422);
    expect(await none.json()).toEqual({
      detail: [{ type: 'missing', loc: ['header', 'authorization'], msg: 'Field required', input: null }],
    });
    const basic = await send(handlers, 'GET', '/v1/training_clients', { headers: { authorization: `Token ${KEY}` } });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toMatchObject({
      detail: { error: { code: 'AUTHENTICATION_REQUIRED', message: 'Invalid authorization header' } },
    });
    const wrong = await send(handlers, 'GET', '/v1/training_clients', { headers: { authorization: 'Bearer ts-other' } });
    expect(wrong.status).toBe(401);
  });

  it('gives each key its own tenant with acceptAnyKey', async () => {
    const { handlers } = createTenSafeMock({ baseURL: BASE, acceptAnyKey: true });
    const mine = (await (await send(handlers, 'GET', '/v1/training_clients')).json()) as unknown[];
    const theirs = (await (
      await send(handlers, 'GET', '/v1/training_clients', { headers: { authorization: 'Bearer ts-someone-else' } })
    ).json()) as unknown[];
    expect(mine).toHaveLength(3);
    expect(theirs).toEqual([]);
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
      detail: [{ type: 'value_error', loc: ['body', 'lora_config', 'rank'], msg: 'must be >= 1, got 0', input: null }],
    });
  });

  it('exports the operation table for request validation', () => {
    expect(tensafeService.name).toBe('tensafe');
    expect(Object.keys(tensafeService.operations)).toContain('GET /v1/artifacts/{artifact_id}/content');
  });
});
