import type { ServiceDefinition } from '@trainwire/core';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMockServer } from './mock-server.js';
import { type SpecGuard, specGuard } from './spec-guard.js';

const BASE = 'https://guard.trainwire.test/api';

const runSchema = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1 }, rank: { type: 'integer', minimum: 1 } },
  required: ['name'],
  additionalProperties: false,
} as const;

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
      idempotent: true,
      pagination: null,
      longRunning: null,
      params: {
        path: null,
        query: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            done: { type: 'boolean' },
            tag: { type: 'array', items: { type: 'string', minLength: 1 } },
          },
        },
        header: { type: 'object', properties: { 'x-trace': { type: 'string', pattern: '^[a-z]+$' } } },
      },
      body: null,
      responses: { '200': { contentType: 'application/json', schema: null } },
    },
    'GET /v1/runs/{run_id}': {
      operationId: 'getRun',
      idempotent: true,
      pagination: null,
      longRunning: null,
      params: {
        path: { type: 'object', properties: { run_id: { type: 'string', minLength: 1 } }, required: ['run_id'] },
        query: null,
        header: null,
      },
      body: null,
      responses: { '200': { contentType: 'application/json', schema: null } },
    },
    'GET /v1/runs/latest': {
      operationId: 'getLatestRun',
      idempotent: true,
      pagination: null,
      longRunning: null,
      params: { path: null, query: null, header: null },
      body: null,
      responses: { '200': { contentType: 'application/json', schema: null } },
    },
    'GET /v1/steps/{step}': {
      operationId: 'getStep',
      idempotent: true,
      pagination: null,
      longRunning: null,
      params: {
        path: { type: 'object', properties: { step: { type: 'integer', minimum: 0 } }, required: ['step'] },
        query: null,
        header: null,
      },
      body: null,
      responses: { '200': { contentType: 'application/json', schema: null } },
    },
    'POST /v1/runs': {
      operationId: 'createRun',
      idempotent: false,
      pagination: null,
      longRunning: null,
      params: { path: null, query: null, header: null },
      body: {
        required: true,
        contentType: 'application/json',
        otherContentTypes: ['application/x-protobuf'],
        schema: { $ref: '#/components/schemas/RunCreate' },
      },
      responses: { '201': { contentType: 'application/json', schema: null } },
    },
    'POST /v1/runs/{run_id}/cancel': {
      operationId: 'cancelRun',
      idempotent: true,
      pagination: null,
      longRunning: null,
      params: {
        path: { type: 'object', properties: { run_id: { type: 'string', minLength: 1 } }, required: ['run_id'] },
        query: null,
        header: null,
      },
      body: null,
      responses: { '204': { contentType: null, schema: null } },
    },
  },
  schemas: { RunCreate: runSchema },
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
    // A predicate, not a path pattern: msw's own matcher throws on the broken percent-encoding below.
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

const get = (path: string, init?: RequestInit) => fetch(`${BASE}${path}`, init);
const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${BASE}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } });

describe('specGuard', () => {
  it('lets a request the spec allows through to the next handler and records its operation', async () => {
    const response = await get('/v1/runs?limit=5&done=true&tag=a&tag=b', { headers: { 'x-trace': 'abc' } });
    expect(await response.json()).toEqual({ ok: true });
    expect(answered).toEqual(['GET /api/v1/runs']);
    expect(guard.checked).toEqual(['GET /v1/runs']);
    expect(guard.violations).toEqual([]);
  });

  it('leaves the body for the handler that answers', async () => {
    const response = await post('/v1/runs', '{"name":"lora","rank":8}');
    expect(response.status).toBe(201);
    expect(answered).toEqual(['body {"name":"lora","rank":8}']);
    expect(guard.violations).toEqual([]);
  });

  it('decodes a path segment once, so an encoded slash, `?`, `#` or `%` stays inside one parameter', async () => {
    await get(`/v1/runs/${encodeURIComponent('a/b?c#d%e ü:')}`);
    await get(`/v1/runs/${encodeURIComponent('%2F')}`);
    expect(guard.checked).toEqual(['GET /v1/runs/{run_id}', 'GET /v1/runs/{run_id}']);
    expect(guard.violations).toEqual([]);
  });

  it('prefers the literal route over a parameter, and reads integer path parameters as numbers', async () => {
    await get('/v1/runs/latest');
    await get('/v1/steps/12');
    await get('/v1/steps/-1');
    await get('/v1/steps/twelve');
    expect(guard.checked).toEqual(['GET /v1/runs/latest', 'GET /v1/steps/{step}', 'GET /v1/steps/{step}', 'GET /v1/steps/{step}']);
    expect(guard.violations).toEqual([
      'GET /api/v1/steps/-1: path.step: must be >= 0, got -1',
      'GET /api/v1/steps/twelve: path.step: expected integer, got string "twelve"',
    ]);
  });

  it('records a request to no operation, a raw slash in a parameter and broken percent-encoding', async () => {
    await get('/v1/nothing');
    await fetch(`${BASE}/v1/runs`, { method: 'DELETE' });
    await get('/v1/runs/a/b');
    await get('/v1/runs/%E0%A4%A');
    await get('/v1/runs/');
    expect(guard.checked).toEqual([null, null, null, null, null]);
    expect(guard.violations).toEqual([
      'GET /api/v1/nothing: no operation of guarded is GET /v1/nothing',
      'DELETE /api/v1/runs: no operation of guarded is DELETE /v1/runs',
      'GET /api/v1/runs/a/b: no operation of guarded is GET /v1/runs/a/b',
      'GET /api/v1/runs/%E0%A4%A: path segment "%E0%A4%A" is not valid percent-encoding',
      'GET /api/v1/runs/: no operation of guarded is GET /v1/runs/',
    ]);
  });

  it('checks query values against their schemas and refuses undeclared or repeated ones', async () => {
    await get('/v1/runs?limit=0');
    await get('/v1/runs?limit=abc');
    await get('/v1/runs?done=yes');
    await get('/v1/runs?tag=');
    await get('/v1/runs?limit=1&limit=2');
    await get('/v1/runs?page=2');
    expect(guard.violations).toEqual([
      'GET /api/v1/runs?limit=0: query.limit: must be >= 1, got 0',
      'GET /api/v1/runs?limit=abc: query.limit: expected integer, got string "abc"',
      'GET /api/v1/runs?done=yes: query.done: expected boolean, got string "yes"',
      'GET /api/v1/runs?tag=: query.tag[0]: must be at least 1 characters',
      'GET /api/v1/runs?limit=1&limit=2: query.limit: is given 2 times',
      'GET /api/v1/runs?page=2: query.page: is not a parameter of listRuns',
    ]);
  });

  it('checks declared headers', async () => {
    await get('/v1/runs', { headers: { 'x-trace': 'ABC' } });
    expect(guard.violations).toEqual(['GET /api/v1/runs: header.x-trace: must match /^[a-z]+$/']);
  });

  it('checks the JSON body: required fields, types, extra fields, syntax, content type, presence', async () => {
    await post('/v1/runs', '{"rank":8}');
    await post('/v1/runs', '{"name":"a","rank":"8"}');
    await post('/v1/runs', '{"name":"a","colour":"red"}');
    await post('/v1/runs', '{"name":');
    await post('/v1/runs', '{"name":"a"}', 'text/plain');
    await fetch(`${BASE}/v1/runs`, { method: 'POST' });
    await post('/v1/runs/run-1/cancel', '{}');
    expect(guard.violations).toEqual([
      'POST /api/v1/runs: body.name: is required',
      'POST /api/v1/runs: body.rank: expected integer, got string "8"',
      'POST /api/v1/runs: body.colour: is not allowed',
      'POST /api/v1/runs: body: is not valid JSON',
      'POST /api/v1/runs: body: sent as "text/plain", the spec says application/json',
      'POST /api/v1/runs: body: is required',
      'POST /api/v1/runs/run-1/cancel: body: cancelRun takes no body',
    ]);
  });

  it('lets through a body of another media type the operation declares, unchecked (its bytes are not JSON)', async () => {
    await post('/v1/runs', '\u0000\u0001not json', 'application/x-protobuf');
    expect(guard.violations).toEqual([]);
    await post('/v1/runs', '\u0000\u0001not json', 'application/x-msgpack');
    expect(guard.violations).toEqual([
      'POST /api/v1/runs: body: sent as "application/x-msgpack", the spec says application/json',
      'POST /api/v1/runs: body: is not valid JSON',
    ]);
  });

  it('ignores requests outside the base URL', async () => {
    await fetch('https://elsewhere.trainwire.test/v1/nothing');
    await get('/../v1/runs').catch(() => undefined);
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
