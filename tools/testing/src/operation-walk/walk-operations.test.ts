import type { ServiceDefinition } from '@trainwire/core';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { TransportCall } from './transport-calls.js';
import { walkOperations } from './walk-operations.js';

const BASE = 'https://walk.trainwire.test/api';
const id = { type: 'object', properties: { run_id: { type: 'string' } }, required: ['run_id'] } as const;
const service: ServiceDefinition = {
  name: 'walked',
  title: 'Walked',
  version: '1',
  servers: [BASE],
  auth: null,
  idempotencyHeader: null,
  operations: {
    'GET /runs': {
      operationId: 'listRuns',
      params: { query: { type: 'object', properties: { project: { type: 'string', minLength: 1 } }, required: ['project'] } },
      responses: { '200': {} },
    },
    'POST /runs': {
      operationId: 'createRun',
      params: {},
      body: {
        required: true,
        contentType: 'application/json',
        schema: { type: 'object', properties: { rank: { type: 'integer', minimum: 8 } }, required: ['rank'] },
      },
      responses: { '201': {} },
    },
    'GET /runs/{run_id}': { operationId: 'getRun', params: { path: id }, responses: { '200': {} } },
    'DELETE /runs/{run_id}': { operationId: 'deleteRun', params: { path: id }, responses: { '204': {} } },
  },
  schemas: {},
};

const call = (keys: string[], site = 'src/client.ts › method'): TransportCall => ({ site, where: 'src/client.ts:1', keys });
const seen: string[] = [];
const handlers = [
  http.get(`${BASE}/runs`, ({ request }) => {
    seen.push(`GET ${new URL(request.url).search}`);
    return HttpResponse.json([]);
  }),
  http.post(`${BASE}/runs`, async ({ request }) => {
    seen.push(`POST ${await request.text()}`);
    return HttpResponse.json({}, { status: 201 });
  }),
  http.get(`${BASE}/runs/:id`, ({ params }) => {
    seen.push(`GET /runs/${String(params.id)}`);
    return HttpResponse.json({ detail: 'Not found' }, { status: 404 });
  }),
  http.delete(`${BASE}/runs/:id`, () => HttpResponse.json({ detail: 'Not implemented' }, { status: 501 })),
];
const every = [call(['GET /runs']), call(['POST /runs']), call(['GET /runs/{run_id}']), call(['DELETE /runs/{run_id}'])];

describe('walkOperations', () => {
  it('drives each operation with minimal valid input and names a 501 or an unhandled one', async () => {
    seen.length = 0;
    const problems = await walkOperations({ service, calls: every, unwrapped: {}, mock: { handlers, baseURL: BASE } });
    expect(seen).toEqual(['GET ?project=made-up-id', 'POST {"rank":8}', 'GET /runs/made-up-id']);
    expect(problems).toEqual(['mock: DELETE /runs/{run_id} answers 501']);
    const fewer = await walkOperations({ service, calls: every, unwrapped: {}, mock: { handlers: handlers.slice(0, 2), baseURL: BASE } });
    expect(fewer).toEqual(['mock: no handler answers DELETE /runs/{run_id}', 'mock: no handler answers GET /runs/{run_id}']);
  });

  it('names an operation no client call reaches, unless it is listed as unwrapped', async () => {
    const mock = { handlers: handlers.slice(0, 3), baseURL: BASE };
    const calls = every.slice(0, 3);
    expect(await walkOperations({ service, calls, unwrapped: {}, mock })).toEqual([
      'client: no method calls DELETE /runs/{run_id} (wrap it, or list it as unwrapped with why)',
      'mock: no handler answers DELETE /runs/{run_id}',
    ]);
    const listed = await walkOperations({ service, calls, unwrapped: { 'DELETE /runs/{run_id}': 'admin only' }, mock });
    expect(listed).toEqual(['mock: no handler answers DELETE /runs/{run_id}']);
  });

  it('keeps its lists honest: a stale unwrapped entry, an unknown operation, an unlisted or stale forwarding site', async () => {
    const mock = { handlers: [http.all(`${BASE}/*`, () => HttpResponse.json({}))], baseURL: BASE };
    const problems = await walkOperations({
      service,
      calls: [...every, call([], 'src/client.ts › #send'), call(['GET /nowhere'])],
      unwrapped: { 'GET /runs': 'stale', 'PUT /runs': 'no such operation' },
      forwarding: { 'src/client.ts › gone': 'was removed' },
      mock,
    });
    expect(problems).toEqual([
      'client: GET /runs is listed as unwrapped, but src/client.ts:1 calls it',
      'client: forwarding lists "src/client.ts › gone", which makes no such call',
      'client: src/client.ts:1 calls GET /nowhere, not an operation of walked',
      'client: the transport call at src/client.ts:1 resolves to no operation (if it forwards calls, list "src/client.ts › #send" in forwarding)',
      'client: unwrapped lists PUT /runs, not an operation of walked',
    ]);
  });
});
