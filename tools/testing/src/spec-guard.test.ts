import type { ServiceDefinition } from '@trainwire/core';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMockServer } from './mock-server.js';
import { type SpecGuard, specGuard } from './spec-guard.js';

// What the guard checks is tested in @trainwire/core/mock-kit (check-request.test.ts); here, how it sits in msw.
const BASE = 'https://guard.trainwire.test/api';

const service: ServiceDefinition = {
  name: 'guarded',
  title: 'Guarded API',
  version: '1.0.0',
  servers: [],
  auth: null,
  idempotencyHeader: null,
  operations: {
    'GET /v1/runs': {
      operationId: 'listRuns',
      params: { query: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100 } } } },
      responses: { '200': { contentType: 'application/json' } },
    },
    'POST /v1/runs': {
      operationId: 'createRun',
      idempotent: false,
      params: {},
      body: { required: true, contentType: 'application/json', schema: { $ref: '#/components/schemas/RunCreate' } },
      responses: { '201': { contentType: 'application/json' } },
    },
  },
  schemas: {
    RunCreate: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'], additionalProperties: false },
  },
};

let guard: SpecGuard = specGuard(service, BASE);
const answered: string[] = [];
const { requests } = useMockServer(() => {
  guard = specGuard(service, BASE);
  answered.length = 0;
  return [
    guard,
    http.post(`${BASE}/v1/runs`, async ({ request }) => {
      answered.push(`body ${await request.text()}`);
      return HttpResponse.json({ id: 'run-1' }, { status: 201 });
    }),
    // A predicate, not a path pattern: msw's own matcher throws on broken percent-encoding.
    http.all(
      ({ request }) => request.url.startsWith(`${BASE}/`),
      ({ request }) => {
        answered.push(`${request.method} ${new URL(request.url).pathname}`);
        return HttpResponse.json({ ok: true });
      },
    ),
    http.all('https://elsewhere.trainwire.test/*', () => HttpResponse.json({ elsewhere: true })),
  ];
});

const post = (path: string, body: string) =>
  fetch(`${BASE}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('specGuard', () => {
  it('lets a request the spec allows through to the next handler and records its operation', async () => {
    const response = await fetch(`${BASE}/v1/runs?limit=5`);
    expect(await response.json()).toEqual({ ok: true });
    expect(answered).toEqual(['GET /api/v1/runs']);
    expect(guard.checked).toEqual(['GET /v1/runs']);
    expect(guard.violations).toEqual([]);
  });

  it('leaves the body for the handler that answers', async () => {
    expect((await post('/v1/runs', '{"name":"lora"}')).status).toBe(201);
    expect(answered).toEqual(['body {"name":"lora"}']);
    expect(guard.violations).toEqual([]);
  });

  it('records every problem of a request as `METHOD /path?query: where: why`, and a request to no operation', async () => {
    await fetch(`${BASE}/v1/runs?limit=0&page=2`);
    await post('/v1/runs', '{"colour":"red"}');
    await fetch(`${BASE}/v1/nothing`);
    expect(guard.checked).toEqual(['GET /v1/runs', 'POST /v1/runs', null]);
    expect(guard.violations).toEqual([
      'GET /api/v1/runs?limit=0&page=2: query.page: is not a parameter of listRuns',
      'GET /api/v1/runs?limit=0&page=2: query.limit: must be >= 1, got 0',
      'POST /api/v1/runs: body.name: is required',
      'GET /api/v1/nothing: no operation of guarded is GET /v1/nothing',
    ]);
  });

  it('ignores requests outside the base URL', async () => {
    await fetch('https://elsewhere.trainwire.test/v1/nothing');
    await fetch(`${BASE}/../v1/runs`).catch(() => undefined);
    expect(guard.checked).toEqual([]);
    expect(guard.violations).toEqual([]);
  });

  it('never answers: a request no later handler takes stays unhandled', async () => {
    const lone = specGuard(service, BASE);
    const response = await getResponse([lone], new Request(`${BASE}/v1/runs?limit=500`));
    expect(response).toBeUndefined();
    expect(lone.violations).toEqual(['GET /api/v1/runs?limit=500: query.limit: must be <= 100, got 500']);
    expect(requests).toHaveLength(0);
  });
});
