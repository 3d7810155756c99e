// One test plants a known key for every service and drives every failure path of every package:
// rejected keys echoed back by the server (in the body, in response headers, in the usual encodings,
// after 460 characters of padding), 5xx and proxy pages that echo headers, invalid and mis-shaped
// bodies, dropped connections, timeouts and bad input. The keys, in any of those encodings, must
// appear in no error message, stack, JSON.stringify, util.inspect, error.headers or log line.
import { inspect } from 'node:util';
import { MiddlemanClient } from '@trainwire/jobs';
import { createMiddlemanMock } from '@trainwire/jobs/msw';
import { SyvainMetricsApiClient } from '@trainwire/metrics';
import { createMetricsMock, createRunicornMock } from '@trainwire/metrics/msw';
import { RunicornClient } from '@trainwire/metrics/runicorn';
import { ServiceClient } from '@trainwire/tinker';
import { createTenSafeMock, createTinkerMock } from '@trainwire/tinker/msw';
import { ServiceClient as TenSafeClient } from '@trainwire/tinker/tensafe';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANTED, plantedKeys } from './planted-keys.js';

const BASE = {
  tinker: 'https://tinker.planted.test',
  tensafe: 'https://tensafe.planted.test',
  metrics: 'https://metrics.planted.test',
  runicorn: 'https://runicorn.planted.test',
  jobs: 'https://jobs.planted.test/api/v1',
} as const;

/** What the server does to every request while a fault is on. */
const FAULTS = {
  'reject and echo the key': (request: Request) =>
    HttpResponse.json(
      { detail: `invalid key ${echo(request)}`, error: { code: 'unauthorized', message: `bad key ${echo(request)}` } },
      { status: 401, headers: { 'x-echo': echo(request) } },
    ),
  'echo the key in response headers and in every usual encoding': (request: Request) =>
    HttpResponse.json(
      { detail: encodings(echo(request)).join(' ') },
      {
        status: 403,
        headers: {
          'x-echo': echo(request),
          'www-authenticate': `Bearer error="invalid_token", token="${echo(request)}"`,
          'x-echo-base64': btoa(echo(request)),
        },
      },
    ),
  '460 characters, then the key (cut after redaction)': (request: Request) =>
    new HttpResponse(`${'x'.repeat(460)}${echo(request)}`, { status: 401, headers: { 'content-type': 'text/plain' } }),
  'server error echoing headers': (request: Request) =>
    HttpResponse.json({ detail: `upstream saw ${echo(request)}`, error: { code: 'internal', message: echo(request) } }, { status: 500 }),
  'HTML proxy page echoing headers': (request: Request) =>
    new HttpResponse(`<html><body><h1>502 Bad Gateway</h1><pre>${echo(request)}</pre></body></html>`, {
      status: 502,
      headers: { 'content-type': 'text/html' },
    }),
  'invalid JSON with the key in it': (request: Request) =>
    new HttpResponse(`{"broken": "${echo(request)}`, { status: 200, headers: { 'content-type': 'application/json' } }),
  'wrong shape with the key in it': (request: Request) => HttpResponse.json({ unexpected: echo(request), items: echo(request) }),
  'connection dropped': () => HttpResponse.error(),
  'no answer (timeout)': async () => {
    await delay('infinite');
    return HttpResponse.json({});
  },
} satisfies Record<string, (request: Request) => Response | Promise<Response>>;

/** A text as a hostile server may encode it: upper-cased, percent-encoded, base64 and base64url, in `Bearer` and basic auth. */
function encodings(text: string): string[] {
  const bytes = new TextEncoder().encode(text);
  const base64 = (value: string) => btoa(String.fromCharCode(...new TextEncoder().encode(value)));
  return [
    text.toUpperCase(),
    Array.from(bytes, (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    base64(text),
    base64(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    base64(`Bearer ${text}`),
    base64(`user:${text}`),
  ];
}

/** Everything a misbehaving server could reflect: the credential headers and the URL. */
function echo(request: Request): string {
  return [request.headers.get('x-api-key'), request.headers.get('authorization'), request.url].filter(Boolean).join(' | ');
}

const logLines: string[] = [];
const logger = {
  debug: (message: string, fields?: unknown) => logLines.push(`${message} ${inspect(fields, { depth: 8 })}`),
  info: (message: string, fields?: unknown) => logLines.push(`${message} ${inspect(fields, { depth: 8 })}`),
  warn: (message: string, fields?: unknown) => logLines.push(`${message} ${inspect(fields, { depth: 8 })}`),
  error: (message: string, fields?: unknown) => logLines.push(`${message} ${inspect(fields, { depth: 8 })}`),
};
const common = { logger, logLevel: 'debug' as const, maxRetries: 1, timeout: 300 };

const server = setupServer(
  ...createTinkerMock({ baseURL: BASE.tinker, apiKey: plantedKeys.tinker }).handlers,
  ...createTenSafeMock({ baseURL: BASE.tensafe, apiKey: plantedKeys.tensafe, tenantId: 'tenant-planted' }).handlers,
  ...createMetricsMock({ baseURL: BASE.metrics, apiKey: plantedKeys.syvain }).handlers,
  ...createRunicornMock({ baseURL: BASE.runicorn, apiKey: plantedKeys.runicorn }).handlers,
  ...createMiddlemanMock({ baseURL: BASE.jobs, apiKey: plantedKeys.middleman }).handlers,
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

/** Each service's calls: a read, a write, and the service's own secret-bearing paths. */
function calls(): Record<string, () => Promise<unknown>> {
  const fetch = (request: Request) => globalThis.fetch(request);
  const tinker = new ServiceClient({ apiKey: plantedKeys.tinker, baseURL: BASE.tinker, fetch, ...common, heartbeatInterval: 0 });
  const tensafe = new TenSafeClient({ apiKey: plantedKeys.tensafe, baseURL: BASE.tensafe, tenantId: 'tenant-planted', fetch, ...common });
  const syvain = new SyvainMetricsApiClient(plantedKeys.syvain, { host: BASE.metrics, fetch, ...common });
  const runicorn = new RunicornClient({ baseURL: BASE.runicorn, apiKey: plantedKeys.runicorn, fetch, ...common });
  const middleman = new MiddlemanClient({ apiKey: plantedKeys.middleman, baseURL: BASE.jobs, fetch, ...common });
  return {
    'tinker getTrainingRun': () => tinker.createRestClient().getTrainingRun('run-1').result({ timeout: 2_000 }),
    'tinker listTrainingRuns': () => tinker.createRestClient().listTrainingRuns({ limit: 5 }).result({ timeout: 2_000 }),
    'tinker createLoraTrainingClient': () => tinker.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 8 }),
    'tensafe listTrainingClients': () => tensafe.listTrainingClients({ limit: 5 }),
    'tensafe createTrainingClient': () => tensafe.createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 8 } }),
    'tensafe pullArtifact': () => tensafe.pullArtifact('artifact-1'),
    'syvain getExperiment': () => syvain.getExperiment('exp-1'),
    'syvain createExperiment': () => syvain.createExperiment(`planted-${Math.random().toString(36).slice(2)}`),
    'syvain ingestMetrics (ingestion key)': () =>
      syvain.ingestMetrics('exp-1', [{ client_event_id: 'a/loss/1', name: 'loss', value: 1, step: 1 }]),
    'syvain ingestor': async () => {
      const ingestor = syvain.ingestor('exp-1', { maxRetries: 1 });
      ingestor.log('loss', 0.5, { step: 1 });
      const report = await ingestor.close();
      if (report.failed > 0) throw new Error(JSON.stringify(report));
      return report;
    },
    'runicorn listExperiments': () => runicorn.listExperiments({ limit: 5 }),
    'runicorn getConfig': () => runicorn.getConfig(),
    'middleman getJob': () => middleman.getJob('job-1'),
    'middleman createJob (env secret)': () =>
      middleman.createJob({
        name: 'planted',
        script_path: '/train.py',
        input_data_path: '/data',
        environment_variables: { WANDB_API_KEY: plantedKeys.environment },
      }),
    'middleman createApiKey': () => middleman.createApiKey({ name: 'planted', scopes: ['read'] }),
  };
}

/** Calls whose answer is opaque bytes: any 200 body is a valid answer, so shape faults do not apply. */
const BINARY = new Set(['tensafe pullArtifact']);
const SHAPE_FAULTS = new Set(['invalid JSON with the key in it', 'wrong shape with the key in it']);

function expectNoSecret(label: string, text: string) {
  const forms = Object.values(plantedKeys).flatMap((key) => [key, ...encodings(key)]);
  const leaked = [PLANTED, PLANTED.toLowerCase(), ...forms].filter((secret) => text.includes(secret));
  expect(leaked, `${label} leaked ${leaked.join(', ')}:\n${text.slice(0, 2_000)}`).toEqual([]);
}

describe('planted keys never leak', () => {
  for (const [fault, answer] of Object.entries(FAULTS)) {
    it(`on "${fault}"`, async () => {
      server.use(http.all('*', ({ request }) => answer(request)));
      logLines.length = 0;
      const failures: string[] = [];
      const outcomes = await Promise.all(
        Object.entries(calls())
          .filter(([name]) => !(BINARY.has(name) && SHAPE_FAULTS.has(fault)))
          .map(
            async ([name, call]) =>
              [
                name,
                await call().then(
                  () => undefined,
                  (caught: unknown) => caught,
                ),
              ] as const,
          ),
      );
      for (const [name, error] of outcomes) {
        if (error === undefined) {
          failures.push(`${name} succeeded under "${fault}"`);
          continue;
        }
        const shown = error as Error;
        expectNoSecret(`${name}: message`, String(shown.message));
        expectNoSecret(`${name}: stack`, String(shown.stack));
        expectNoSecret(`${name}: JSON.stringify`, JSON.stringify(shown) ?? '');
        expectNoSecret(`${name}: util.inspect`, inspect(shown, { depth: 12 }));
        expectNoSecret(`${name}: String()`, String(shown));
        const headers = (shown as { headers?: unknown }).headers;
        if (headers instanceof Headers) expectNoSecret(`${name}: error.headers`, JSON.stringify([...headers]));
      }
      expect(failures).toEqual([]);
      expect(logLines.length).toBeGreaterThan(0);
      expectNoSecret('log lines', logLines.join('\n'));
      server.resetHandlers();
    });
  }

  it('on bad input, before anything is sent', async () => {
    const fetch = (request: Request) => globalThis.fetch(request);
    const middleman = new MiddlemanClient({ apiKey: plantedKeys.middleman, baseURL: BASE.jobs, fetch, ...common });
    const tinker = new ServiceClient({ apiKey: plantedKeys.tinker, baseURL: BASE.tinker, fetch, ...common, heartbeatInterval: 0 });
    const errors = await Promise.all([
      middleman
        .createJob({ name: 'x', script_path: '', input_data_path: '/d', gpu_type: 'h100' as never })
        .catch((error: unknown) => error),
      tinker
        .createRestClient()
        .setCheckpointTtlFromTinkerPath('not-a-tinker-path', 5)
        .catch((error: unknown) => error),
      middleman.getJob('job', { headers: { 'x-note': `${plantedKeys.middleman}\r\nx-injected: 1` } }).catch((error: unknown) => error),
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expectNoSecret(
        'bad input',
        `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}\n${inspect(error, { depth: 12 })}`,
      );
    }
  });

  it('when a client is logged or serialized itself', () => {
    const fetch = (request: Request) => globalThis.fetch(request);
    const clients = [
      new ServiceClient({ apiKey: plantedKeys.tinker, baseURL: BASE.tinker, fetch, heartbeatInterval: 0 }),
      new TenSafeClient({ apiKey: plantedKeys.tensafe, baseURL: BASE.tensafe, fetch }),
      new SyvainMetricsApiClient(plantedKeys.syvain, { host: BASE.metrics, fetch }),
      new RunicornClient({ baseURL: BASE.runicorn, apiKey: plantedKeys.runicorn, fetch }),
      new MiddlemanClient({ apiKey: plantedKeys.middleman, baseURL: BASE.jobs, fetch }),
    ];
    for (const client of clients) {
      expectNoSecret(`${client.constructor.name} inspect`, inspect(client, { depth: 12, showHidden: true }));
      expectNoSecret(`${client.constructor.name} JSON`, JSON.stringify(client) ?? '');
    }
  });
});
