// Malformed viewer answers (issue 8, "Bad input"): whatever a broken viewer or a proxy in front of
// it answers, a Runicorn call fails with `ResponseValidationError` for a 2xx or the documented
// Runicorn class with the status (`ServerError` for a 502), never a TypeError from inside the
// client, and the proxy's token appears in nothing the error shows.
import { inspect } from 'node:util';
import { type APIError, ResponseValidationError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createRunicornMock } from '../mocks/runicorn.js';
import { DEFAULT_BASE_URL, RunicornClient } from './runicorn-client.js';
import { RunicornAPIError, ServerError } from './runicorn-errors.js';

const BASE = DEFAULT_BASE_URL;
const TOKEN = 'rk_proxy_token_4f1c9a7e';
let mock = createRunicornMock();
const { server } = useMockServer(() => {
  mock = createRunicornMock({ seed: 5, apiKey: TOKEN, exportAvailable: true });
  return mock.handlers;
});
const client = () => new RunicornClient({ baseURL: BASE, apiKey: TOKEN, logLevel: 'off', maxRetries: 0 });
const runId = () => (mock.state.runs[0] as { id: string }).id;

interface Operation {
  name: string;
  route: () => string;
  wrongTypes: unknown;
  missingFields: unknown;
  call: (runicorn: RunicornClient) => Promise<unknown>;
}

const operations: Operation[] = [
  {
    name: 'listExperiments',
    route: () => `${BASE}/api/v2/experiments`,
    wrongTypes: { experiments: 'resnet50', total: 'six', page: 1, per_page: 1000, has_next: 'no' },
    missingFields: { total: 6 },
    call: (runicorn) => runicorn.listExperiments({ project: 'vision', limit: 5 }),
  },
  {
    name: 'getMetrics',
    route: () => `${BASE}/api/runs/${runId()}/metrics`,
    wrongTypes: { columns: 'loss', rows: { global_step: 0 }, total: '3', sampled: 'no' },
    missingFields: { columns: ['global_step', 'loss'] },
    call: (runicorn) => runicorn.getMetrics(runId(), { metric_names: ['loss'] }),
  },
  {
    name: 'exportExperiment (json, built from the run)',
    route: () => `${BASE}/api/runs/${runId()}`,
    wrongTypes: { id: 42, status: ['finished'], project: { name: 'vision' } },
    missingFields: { project: 'vision' },
    call: (runicorn) => runicorn.exportExperiment(runId(), { format: 'json' }),
  },
  {
    name: 'artifacts.getArtifact',
    route: () => `${BASE}/api/artifacts/my-model/v1`,
    wrongTypes: { name: 7, type: 'model', version: 'one', aliases: 'latest' },
    missingFields: { name: 'my-model' },
    call: (runicorn) => runicorn.artifacts.getArtifact('my-model:v1'),
  },
];

const json = (body: unknown) => HttpResponse.json(body as never);
const HTML_502 = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>';

const answers: { name: string; expected: 'validation' | 502; answer: (operation: Operation, request: Request) => Promise<Response> }[] = [
  {
    name: 'invalid JSON',
    expected: 'validation',
    answer: async () => new HttpResponse('{"experiments": [{"id": "2025', { headers: { 'Content-Type': 'application/json' } }),
  },
  { name: 'wrong types', expected: 'validation', answer: async (operation) => json(operation.wrongTypes) },
  { name: 'missing fields', expected: 'validation', answer: async (operation) => json(operation.missingFields) },
  {
    name: 'a huge body',
    expected: 'validation',
    answer: async (operation) => json({ padding: 'x'.repeat(4_000_000), ...(operation.wrongTypes as object) }),
  },
  {
    name: 'the real answer with a wrong content type',
    expected: 'validation',
    answer: async (operation, request) => {
      const real = await getResponse(mock.handlers, request);
      if (!real?.ok) throw new Error(`the mock refused ${operation.name}: ${real?.status}`);
      return new HttpResponse(await real.text(), { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    },
  },
  {
    name: 'an HTML 502 page from a proxy',
    expected: 502,
    answer: async () => new HttpResponse(HTML_502, { status: 502, headers: { 'Content-Type': 'text/html' } }),
  },
  { name: 'an empty 200', expected: 'validation', answer: async () => new HttpResponse(null, { status: 200 }) },
];

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function expectTyped(error: unknown, expected: 'validation' | 502): void {
  if (expected === 'validation') {
    expect(error, String(error)).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).status).toBe(200);
  } else {
    expect(error, String(error)).toBeInstanceOf(ServerError);
    expect(error).toBeInstanceOf(RunicornAPIError);
    expect((error as APIError).status).toBe(expected);
  }
  expect((error as Error).message.length).toBeLessThan(1_000);
  const shown = [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
  expect(shown).not.toContain(TOKEN);
}

describe('RunicornClient given malformed answers', () => {
  for (const operation of operations) {
    for (const { name, expected, answer } of answers) {
      it(`${operation.name}: ${name} → ${expected === 'validation' ? 'ResponseValidationError' : `ServerError ${expected}`}`, async () => {
        server.use(http.get(operation.route(), ({ request }) => answer(operation, request)));
        expectTyped(await failure(() => operation.call(client())), expected);
      });
    }
  }

  it('listExperiments: a malformed second page of the index fails typed', async () => {
    server.use(
      http.get(`${BASE}/api/v2/experiments`, ({ request }) =>
        new URL(request.url).searchParams.get('page') === '2' ? json({ experiments: [{ id: 3 }], has_next: false }) : undefined,
      ),
    );
    const error = await failure(() => client().listExperiments({ limit: 4, offset: 2 }));
    expectTyped(error, 'validation');
  });
});

describe('RunicornClient.exportExperiment as CSV given malformed answers', () => {
  const route = () => `${BASE}/api/export/${runId()}/csv`;

  it('returns the CSV the viewer serves', async () => {
    const bytes = await client().exportExperiment(runId(), { format: 'csv' });
    expect(new TextDecoder().decode(bytes)).toMatch(/^global_step,/);
  });

  it('refuses a 200 that is a proxy HTML page (a login page), rather than returning it as CSV', async () => {
    server.use(
      http.get(route(), () => new HttpResponse('<html><body>Sign in</body></html>', { headers: { 'Content-Type': 'text/html' } })),
    );
    expectTyped(await failure(() => client().exportExperiment(runId(), { format: 'csv' })), 'validation');
  });

  it('refuses a 200 that is JSON, rather than returning it as CSV', async () => {
    server.use(http.get(route(), () => json({ detail: 'moved' })));
    expectTyped(await failure(() => client().exportExperiment(runId(), { format: 'csv' })), 'validation');
  });

  it('an HTML 502 page from a proxy is a ServerError 502', async () => {
    server.use(http.get(route(), () => new HttpResponse(HTML_502, { status: 502, headers: { 'Content-Type': 'text/html' } })));
    expectTyped(await failure(() => client().exportExperiment(runId(), { format: 'csv' })), 502);
  });
});
