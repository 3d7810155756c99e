// Path parameters and headers of the Tinker clients (issue 8, "Bad input"): an id with `/`, `..`,
// `?`, `#`, `%`, unicode or `:` reaches the server as one encoded segment of the route it was
// meant for; `.` and `..` are refused; a header value with CR or LF is refused before anything is
// sent, including the inputs that would otherwise fail inside fetch.
import { InvalidRequestError } from '@trainwire/core';
import { type RecordedRequest, type SpecGuard, specGuard, useMockServer } from '@trainwire/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTinkerMock, tinkerService } from '../mocks/tinker.js';
import { hostileString, outcome } from '../test-support/hostile-input.js';
import { ServiceClient } from './tinker-service-client.js';

const BASE = 'https://tinker.thinkingmachines.dev/services/tinker-prod';
const KEY = 'tml-mock-key';
const NASTY_IDS = [
  'a/b',
  '../admin',
  '..%2Fadmin',
  'x?limit=1',
  'x#frag',
  '100%',
  '%2F',
  'ü-漢字-😀',
  'run:train:0',
  'a b',
  '\\..\\',
  '.hidden',
  '...',
];

let guard: SpecGuard;
let mock = createTinkerMock();
const { requests } = useMockServer(() => {
  mock = createTinkerMock({ seed: 3, speed: 1000, pollsUntilDone: 0, archiveRequestsUntilReady: 0, archiveAnswer: 'json' });
  guard = specGuard(tinkerService, BASE);
  return [guard, ...mock.handlers];
});
afterEach(() => vi.unstubAllEnvs());

const service = (options: ConstructorParameters<typeof ServiceClient>[0] = {}) =>
  new ServiceClient({ apiKey: KEY, logLevel: 'off', heartbeatInterval: 0, maxRetries: 0, ...options });
const rest = () => service().createRestClient();

/** The segments of a recorded path after the base path, each decoded once. */
const segments = (request: RecordedRequest) =>
  request.url.pathname
    .slice(new URL(BASE).pathname.length + 1)
    .split('/')
    .map(decodeURIComponent);

/** The route each call must reach: the operation's template, with the given values in its `{params}`. */
interface PathCase {
  name: string;
  template: string;
  call: (id: string) => PromiseLike<unknown>;
  /** Values expected in the template's parameters, in order. */
  values: (id: string) => string[];
}

/** A checkpoint name cannot hold a `/` (`weights/a/b` is refused as a checkpoint id), so such ids name checkpoint `n`. */
const nameOf = (id: string) => (id.includes('/') ? 'n' : id);

const CASES: PathCase[] = [
  { name: 'getTrainingRun', template: 'api/v1/training_runs/{id}', call: (id) => rest().getTrainingRun(id), values: (id) => [id] },
  {
    name: 'listCheckpoints',
    template: 'api/v1/training_runs/{id}/checkpoints',
    call: (id) => rest().listCheckpoints(id),
    values: (id) => [id],
  },
  {
    name: 'getCheckpointArchiveUrl',
    template: 'api/v1/training_runs/{id}/checkpoints/{kind}/{name}/archive',
    call: (id) => rest().getCheckpointArchiveUrl(id, `weights/${nameOf(id)}`),
    values: (id) => [id, 'weights', nameOf(id)],
  },
  {
    name: 'deleteCheckpoint',
    template: 'api/v1/training_runs/{id}/checkpoints/{kind}/{name}',
    call: (id) => rest().deleteCheckpoint(id, `sampler_weights/${nameOf(id)}`),
    values: (id) => [id, 'sampler_weights', nameOf(id)],
  },
  { name: 'getSession', template: 'api/v1/sessions/{id}', call: (id) => rest().getSession(id), values: (id) => [id] },
  {
    name: 'assignSessionProject',
    template: 'api/v1/sessions/{id}/project',
    call: (id) => rest().assignSessionProject(id, 'p'),
    values: (id) => [id],
  },
  { name: 'getSampler', template: 'api/v1/samplers/{id}', call: (id) => rest().getSampler(id), values: (id) => [id] },
];
/** The tinker-path methods: a run id and a name without `/` (a tinker path cannot carry one). */
const PATH_CASES: PathCase[] = [
  {
    name: 'publishCheckpointFromTinkerPath',
    template: 'api/v1/training_runs/{id}/checkpoints/{kind}/{name}/publish',
    call: (id) => rest().publishCheckpointFromTinkerPath(`tinker://${id}/weights/${id}`),
    values: (id) => [id, 'weights', id],
  },
  {
    name: 'setCheckpointTtlFromTinkerPath',
    template: 'api/v1/training_runs/{id}/checkpoints/{kind}/{name}/ttl',
    call: (id) => rest().setCheckpointTtlFromTinkerPath(`tinker://${id}/weights/${id}`, 60),
    values: (id) => [id, 'weights', id],
  },
];

/** The last request reached `template` with `values` in its parameters, each one segment. */
function expectRoute(template: string, values: string[]) {
  const request = requests.at(-1);
  expect(request, 'a request was sent').toBeDefined();
  const parts = template.split('/');
  const received = segments(request!);
  expect(received).toHaveLength(parts.length);
  let next = 0;
  for (const [index, part] of parts.entries()) expect(received[index]).toBe(part.startsWith('{') ? values[next++] : part);
  expect(guard.violations).toEqual([]);
}

describe('Tinker path parameters', () => {
  for (const { name, template, call, values } of CASES) {
    it(`${name}: an id with / .. ? # % unicode or : is one encoded segment of its own route`, async () => {
      for (const id of NASTY_IDS) {
        await outcome(() => call(id));
        expectRoute(template, values(id));
      }
    });
  }

  for (const { name, template, call, values } of PATH_CASES) {
    it(`${name}: the run id and name of a tinker path are one encoded segment each`, async () => {
      for (const id of NASTY_IDS.filter((value) => !value.includes('/'))) {
        await outcome(() => call(id));
        expectRoute(template, values(id));
      }
    });
  }

  it('any id (property): one segment, the route it was meant for', async () => {
    const ids = hostileString.filter((id) => id !== '' && id !== '.' && id !== '..');
    await fc.assert(
      fc.asyncProperty(ids, fc.constantFrom(...CASES), async (id, { template, call, values }) => {
        requests.length = 0;
        await outcome(() => call(id));
        expectRoute(template, values(id));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses . and .. (URL parsers resolve them, even encoded) before sending', async () => {
    for (const id of ['.', '..']) {
      for (const { call } of CASES) {
        const result = await outcome(() => call(id));
        expect(result.kind).toBe('rejected');
        expect((result as { error: unknown }).error).toBeInstanceOf(InvalidRequestError);
      }
      for (const path of [`tinker://${id}/weights/x`, `tinker://run/weights/${id}`]) {
        await expect(rest().publishCheckpointFromTinkerPath(path)).rejects.toThrow(InvalidRequestError);
        await expect(rest().getWeightsInfoByTinkerPath(path)).rejects.toThrow(InvalidRequestError);
      }
    }
    await expect(rest().getTrainingRun('..')).rejects.toThrow('Invalid path.training_run_id: must not be ".."');
    expect(requests).toEqual([]);
  });
});

describe('Tinker headers with CR or LF', () => {
  const injections = ['a\r\nX-Injected: 1', 'a\nX-Injected: 1', 'a\rb', 'a\u0000b'];

  it('refuses a RequestOptions header value with CR, LF or NUL before sending, naming the header', async () => {
    for (const value of injections) {
      const headers = { 'X-Trace': value };
      await expect(rest().getTrainingRun('run', {}, { headers })).rejects.toThrow(
        'Invalid header X-Trace: must be a string without CR, LF or NUL',
      );
      await expect(service().getServerCapabilities({ headers })).rejects.toThrow(InvalidRequestError);
      await expect(service().createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' }, { headers })).rejects.toThrow(InvalidRequestError);
      await expect(rest().listTrainingRuns({}, { headers })).rejects.toThrow(InvalidRequestError);
    }
    expect(requests).toEqual([]);
  });

  it('refuses an idempotency key with CR or LF', async () => {
    const error = await service()
      .createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B' }, { idempotencyKey: 'k\r\nX-Injected: 1' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(requests).toEqual([]);
  });

  it('refuses an API key, or Cloudflare Access headers from the environment, with CR or LF, without showing them', () => {
    const key = 'tml-secret-0123\r\nX-Injected: 1';
    expect(() => service({ apiKey: key })).toThrow(InvalidRequestError);
    expect(() => service({ apiKey: key })).not.toThrow(/secret-0123/);
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_ID', 'cf-id');
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_SECRET', 'cf-secret-4567\r\nX-Injected: 1');
    expect(() => service()).toThrow(InvalidRequestError);
    expect(() => service()).not.toThrow(/cf-secret-4567/);
  });

  it('a project id with CR or LF travels JSON-escaped in the body, never as a header', async () => {
    const projectId = 'p\r\nX-Injected: 1';
    await service({ projectId }).sessionId();
    const [created] = requests;
    expect(JSON.parse(await created!.body).project_id).toBe(projectId);
    expect(created!.headers.get('x-injected')).toBeNull();
    await expect(rest().listTrainingRuns({ project_id: projectId })).resolves.toBeDefined();
    expect(requests.at(-1)!.url.searchParams.get('project_id')).toBe(projectId);
    expect(guard.violations).toEqual([]);
  });
});

describe('inputs that fail inside fetch are refused before it', () => {
  // encodeURIComponent throws URIError on a lone surrogate: not a connection error.
  it('a lone surrogate in a path parameter is refused with InvalidRequestError naming it', async () => {
    await expect(rest().getTrainingRun('run-\uD800')).rejects.toThrow(InvalidRequestError);
  });

  // The same URIError, from openapi-fetch's query serializer.
  it('a lone surrogate in a query parameter is refused with InvalidRequestError naming it', async () => {
    await expect(rest().listTrainingRuns({ project_id: 'p-\uDC00' })).rejects.toThrow(InvalidRequestError);
  });

  // fetch's Headers throws a TypeError for a value outside Latin-1 or a name that is not a token.
  it('a header value outside Latin-1 is refused with InvalidRequestError naming the header', async () => {
    await expect(rest().getTrainingRun('run', {}, { headers: { 'X-Trace': '漢字' } })).rejects.toThrow(InvalidRequestError);
  });
  it('a header name with CR/LF or a space is refused with InvalidRequestError', async () => {
    await expect(rest().getTrainingRun('run', {}, { headers: { 'X-Trace\r\nX-Injected': 'v' } })).rejects.toThrow(InvalidRequestError);
  });

  // The JSON that is sent is checked, not the JavaScript value: a Date goes out as a string.
  it('a Date where the spec wants an object is refused before sending', async () => {
    const error = await service()
      .createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', user_metadata: new Date(0) as never })
      .catch((caught: unknown) => caught);
    expect(guard.violations).toEqual([]);
    expect(error).toBeInstanceOf(InvalidRequestError);
  });
});
