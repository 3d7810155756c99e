// Path parameters and headers of the TenSafe clients (issue 8, "Bad input"): a training client id,
// future id or artifact id with `/`, `..`, `?`, `#`, `%`, unicode or `:` reaches the server as one
// encoded segment of the route it was meant for (also when the id comes from the server); `.` and
// `..` are refused; a header value with CR or LF is refused before anything is sent.
import { InvalidRequestError } from '@trainwire/core';
import { type RecordedRequest, type SpecGuard, specGuard, useMockServer } from '@trainwire/testing';
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createTenSafeMock, tensafeService } from '../mocks/tensafe.js';
import { hostileString, outcome } from '../test-support/hostile-input.js';
import { ServiceClient } from './tensafe-client.js';

const BASE = 'https://api.tensafe.dev';
const KEY = 'ts-test-key';
const NASTY_IDS = [
  'a/b',
  '../admin',
  '..%2Fadmin',
  'x?limit=1',
  'x#frag',
  '100%',
  '%2F',
  'ü-漢字-😀',
  'tc:1',
  'a b',
  '\\..\\',
  '.hidden',
  '...',
];

let guard: SpecGuard;
let mock = createTenSafeMock();
const { server, requests } = useMockServer(() => {
  mock = createTenSafeMock({ artifactSize: 256, speed: 1000, pollsUntilDone: 1 });
  guard = specGuard(tensafeService, BASE);
  return [guard, ...mock.handlers];
});

const client = (options: ConstructorParameters<typeof ServiceClient>[0] = {}) =>
  new ServiceClient({ apiKey: KEY, logLevel: 'off', pollInterval: 1, retryCount: 0, ...options });
const segments = (request: RecordedRequest) => request.url.pathname.slice(1).split('/').map(decodeURIComponent);

/** The last request went to `METHOD template` with `id` as its one parameter segment, and the guard saw nothing off-spec. */
function expectRoute(method: string, template: string, id: string) {
  const request = requests.at(-1);
  expect(request, 'a request was sent').toBeDefined();
  expect(request!.method).toBe(method);
  expect(segments(request!)).toEqual(template.split('/').map((part) => (part === '{id}' ? id : part)));
  expect(guard.violations).toEqual([]);
}

const CASES: { name: string; method: string; template: string; call: (id: string) => Promise<unknown> }[] = [
  { name: 'getTrainingClient', method: 'GET', template: 'v1/training_clients/{id}', call: (id) => client().getTrainingClient(id) },
  { name: 'deleteTrainingClient', method: 'DELETE', template: 'v1/training_clients/{id}', call: (id) => client().deleteTrainingClient(id) },
  { name: 'getFuture().status', method: 'GET', template: 'v1/futures/{id}', call: (id) => client().getFuture(id).status() },
  { name: 'getFuture().cancel', method: 'POST', template: 'v1/futures/{id}/cancel', call: (id) => client().getFuture(id).cancel() },
  { name: 'pullArtifact', method: 'GET', template: 'v1/artifacts/{id}/content', call: (id) => client().pullArtifact(id) },
];

/** A training client whose id, as the server gave it, is `id`. */
async function trainingClientWithId(id: string) {
  const real = [...mock.state.trainingClients.values()][0]!;
  server.use(
    http.get(`${BASE}/v1/training_clients/:id`, () => HttpResponse.json({ ...real.info, training_client_id: id }), { once: true }),
  );
  const training = await client().getTrainingClient(real.info.training_client_id);
  requests.length = 0;
  return training;
}

const TRAINING_CASES: {
  name: string;
  method: string;
  template: string;
  call: (training: Awaited<ReturnType<typeof trainingClientWithId>>) => Promise<unknown>;
}[] = [
  { name: 'refresh', method: 'GET', template: 'v1/training_clients/{id}', call: (training) => training.refresh() },
  { name: 'sample', method: 'POST', template: 'v1/training_clients/{id}/sample', call: (training) => training.sample('hello') },
  {
    name: 'optimStep',
    method: 'POST',
    template: 'v1/training_clients/{id}/optim_step',
    call: (training) => training.optimStep().submitted(),
  },
  {
    name: 'forwardBackward',
    method: 'POST',
    template: 'v1/training_clients/{id}/forward_backward',
    call: (training) => training.forwardBackward({ input_ids: [[1, 2]], attention_mask: [[1, 1]] }).submitted(),
  },
  { name: 'saveState', method: 'POST', template: 'v1/training_clients/{id}/save_state', call: (training) => training.saveState() },
  { name: 'loadState', method: 'POST', template: 'v1/training_clients/{id}/load_state', call: (training) => training.loadState('art-1') },
];

describe('TenSafe path parameters', () => {
  for (const { name, method, template, call } of CASES) {
    it(`${name}: an id with / .. ? # % unicode or : is one encoded segment of its own route`, async () => {
      for (const id of NASTY_IDS) {
        await outcome(() => call(id));
        expectRoute(method, template, id);
      }
    });
  }

  for (const { name, method, template, call } of TRAINING_CASES) {
    it(`TrainingClient.${name}: a training client id from the server stays one segment of its own route`, async () => {
      for (const id of NASTY_IDS) {
        const training = await trainingClientWithId(id);
        await outcome(() => call(training));
        expectRoute(method, template, id);
      }
    });
  }

  it('any id (property): one segment, the route it was meant for', async () => {
    const ids = hostileString.filter((id) => id.trim() !== '' && id !== '.' && id !== '..');
    await fc.assert(
      fc.asyncProperty(ids, fc.constantFrom(...CASES), async (id, { method, template, call }) => {
        requests.length = 0;
        await outcome(() => call(id));
        expectRoute(method, template, id);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses . and .. (URL parsers resolve them, even encoded) before sending, from the caller or from the server', async () => {
    for (const id of ['.', '..']) {
      for (const { call } of CASES) {
        const result = await outcome(() => call(id));
        expect(result.kind).toBe('rejected');
        expect((result as { error: unknown }).error).toBeInstanceOf(InvalidRequestError);
      }
      const training = await trainingClientWithId(id);
      for (const { call } of TRAINING_CASES) await expect(call(training)).rejects.toThrow(InvalidRequestError);
    }
    expect(requests).toEqual([]);
  });
});

describe('TenSafe headers with CR or LF', () => {
  const injections = ['a\r\nX-Injected: 1', 'a\nX-Injected: 1', 'a\rb', 'a\u0000b'];

  it('refuses a RequestOptions header value with CR, LF or NUL before sending, naming the header', async () => {
    const training = await trainingClientWithId('tc-ok');
    for (const value of injections) {
      const headers = { 'X-Trace': value };
      await expect(client().getTrainingClient('tc-1', { headers })).rejects.toThrow(
        'Invalid header X-Trace: must be a string without CR, LF or NUL',
      );
      await expect(client().pullArtifact('art-1', {}, { headers })).rejects.toThrow(InvalidRequestError);
      await expect(client().listTrainingClients({}, { headers })).rejects.toThrow(InvalidRequestError);
      await expect(training.sample('hello', {}, { headers })).rejects.toThrow(InvalidRequestError);
      await expect(training.optimStep({}, { headers })).rejects.toThrow(InvalidRequestError);
    }
    expect(requests).toEqual([]);
  });

  it('refuses an idempotency key with CR or LF', async () => {
    await expect(
      client().createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B' }, {}, { idempotencyKey: 'k\r\nX: 1' }),
    ).rejects.toThrow(InvalidRequestError);
    expect(requests).toEqual([]);
  });

  it('refuses an API key with CR or LF without showing it; a tenant id with CR or LF never goes on the wire', async () => {
    expect(() => client({ apiKey: 'ts-secret-0123\r\nX-Injected: 1' })).toThrow(InvalidRequestError);
    expect(() => client({ apiKey: 'ts-secret-0123\r\nX-Injected: 1' })).not.toThrow(/secret-0123/);
    const tenantId = 'tenant-1\r\nX-Injected: 1';
    const service = client({ tenantId });
    expect(service.tenantId).toBe(tenantId);
    await service.listTrainingClients();
    for (const request of requests) {
      expect(request.headers.get('x-injected')).toBeNull();
      expect([...request.headers.values()].join('\n')).not.toContain('tenant-1');
    }
  });
});
