// Malformed answers from the TenSafe server or a proxy in front of it (issue 8, "Bad input"): a
// GET, a POST, a future poll, a list and the artifact download each answered with invalid JSON,
// wrong types, missing fields, a huge body, the wrong content type, a proxy's HTML 502 and an
// empty 200. A 2xx gives ResponseValidationError, anything else APIError with the status — never a
// TypeError from deep inside — and no message carries the key.
import { APIError, ResponseValidationError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { outcome } from '../test-support/hostile-input.js';
import { ServiceClient } from './tensafe-client.js';
import { ArtifactIntegrityError } from './tensafe-errors.js';

const BASE = 'https://api.tensafe.dev';
const V1 = `${BASE}/v1`;
const KEY = 'ts-planted-key-81c2e7f4';

let mock = createTenSafeMock({ apiKey: KEY });
const { server } = useMockServer(() => {
  mock = createTenSafeMock({ apiKey: KEY, artifactSize: 512, speed: 1000, pollsUntilDone: 1 });
  return mock.handlers;
});

const client = () => new ServiceClient({ apiKey: KEY, logLevel: 'off', pollInterval: 1, retryCount: 0 });
const firstId = () => [...mock.state.trainingClients.keys()][0] as string;
const artifactId = async () => {
  await mock.state.ready;
  return [...mock.state.artifacts.keys()][0] as string;
};

/** The mock's own answer to `request`, each top-level field (of each item, for a list) given a value of another type. */
async function wrongTypes(request: Request): Promise<Response> {
  const real = (await getResponse(mock.handlers, request)) as Response;
  const flip = (record: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [key, typeof value === 'number' ? 'twelve' : typeof value === 'string' ? 12 : 'wrong']),
    );
  const body = (await real.json()) as Record<string, unknown> | Record<string, unknown>[];
  return HttpResponse.json(Array.isArray(body) ? body.map(flip) : flip(body), { status: real.status });
}

const PROXY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/**
 * Each malformed answer (given the operation's success status), and the status its error must
 * carry (`undefined`: the success status).
 */
const ANSWERS: Record<string, { status?: number; answer: (request: Request, success: number) => Response | Promise<Response> }> = {
  'invalid JSON': {
    answer: (_, success) =>
      new HttpResponse('{"training_client_id": "tc-1", "status": ', { status: success, headers: { 'content-type': 'application/json' } }),
  },
  'wrong types': { answer: wrongTypes },
  'missing fields': { answer: (_, success) => HttpResponse.json({}, { status: success }) },
  'a huge body': { answer: (_, success) => HttpResponse.json({ padding: 'x'.repeat(8_000_000) }, { status: success }) },
  'the wrong content type': {
    answer: async (request) => {
      const real = (await getResponse(mock.handlers, request)) as Response;
      return new HttpResponse(await real.text(), { status: real.status, headers: { 'content-type': 'text/plain' } });
    },
  },
  "a proxy's HTML 502": {
    status: 502,
    answer: () => new HttpResponse(PROXY_PAGE, { status: 502, headers: { 'content-type': 'text/html' } }),
  },
  'an empty 200': { answer: (_, success) => new HttpResponse(null, { status: success }) },
};

/** The representative operations: how to answer them, and how a user calls them. */
const OPERATIONS: { name: string; method: 'get' | 'post'; route: string; success?: number; call: () => Promise<unknown> }[] = [
  {
    name: 'getTrainingClient (a GET)',
    method: 'get',
    route: `${V1}/training_clients/:id`,
    call: () => client().getTrainingClient(firstId()),
  },
  {
    name: 'createTrainingClient (a POST)',
    method: 'post',
    route: `${V1}/training_clients`,
    success: 201,
    call: () => client().createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B' }),
  },
  {
    name: 'optimStep (a future poll)',
    method: 'get',
    route: `${V1}/futures/:id`,
    call: async () => (await client().getTrainingClient(firstId())).optimStep().result({ timeout: 5_000 }),
  },
  { name: 'listTrainingClients (a list)', method: 'get', route: `${V1}/training_clients`, call: () => client().listTrainingClients() },
];

/** Fail if `error` or any way of printing it shows the key. */
function expectNoKey(error: unknown) {
  for (const text of [String(error), (error as Error).stack ?? '', JSON.stringify(error)]) expect(text).not.toContain(KEY);
}

function expectTypedError(error: unknown, expected: abstract new (...args: never[]) => unknown, status: number | undefined) {
  expect(error, String(error)).toBeInstanceOf(expected);
  if (status !== undefined) expect((error as ResponseValidationError | APIError).status).toBe(status);
  expect((error as Error).message.length).toBeLessThan(1_000);
  expectNoKey(error);
}

for (const operation of OPERATIONS) {
  describe(`TenSafe ${operation.name} with a malformed answer`, () => {
    for (const [name, { status, answer }] of Object.entries(ANSWERS)) {
      const transient = status !== undefined && status >= 500 && operation.route.endsWith('/futures/:id');
      const expectation = status !== undefined && status >= 300 ? 'APIError' : 'ResponseValidationError';
      it(
        transient ? `${name}: a poll keeps going through it and the future resolves` : `${name}: ${expectation}, no key in it`,
        async () => {
          let answered = 0;
          server.use(
            http[operation.method](
              operation.route,
              ({ request }) => {
                answered++;
                return answer(request, operation.success ?? 200);
              },
              { once: transient },
            ),
          );
          const result = await outcome(operation.call);
          expect(answered).toBeGreaterThan(0);
          if (transient) {
            // A 5xx on a poll is retried with backoff: the next poll gets the real answer.
            expect(result.kind).toBe('value');
            return;
          }
          expect(result.kind).toBe('rejected');
          const error = (result as { error: unknown }).error;
          expectTypedError(error, expectation === 'APIError' ? APIError : ResponseValidationError, status ?? operation.success ?? 200);
        },
      );
    }
  });
}

/**
 * A 2xx status the operation does not declare is checked against the declared one:
 * createTrainingClient declares 201, and a proxy or a server version that answers 200 with `{}`
 * must not resolve a TrainingClient whose info has no id.
 */
it('createTrainingClient answered 200 (not the declared 201) with missing fields: ResponseValidationError', async () => {
  server.use(http.post(`${V1}/training_clients`, () => HttpResponse.json({}, { status: 200 })));
  const result = await outcome(() => client().createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B' }));
  expect(result.kind).toBe('rejected');
  expectTypedError((result as { error: unknown }).error, ResponseValidationError, 200);
});

describe('TenSafe pullArtifact (the artifact download) with a malformed answer', () => {
  const ciphertextHeaders = { 'content-type': 'application/octet-stream', 'x-encryption-algorithm': 'AES-256-GCM' };
  const cases: Record<string, { answer: () => Response; expected: abstract new (...args: never[]) => unknown; status?: number }> = {
    "a proxy's HTML page with a 200": {
      answer: () =>
        new HttpResponse('<html><body>Please sign in to the corporate proxy</body></html>', { headers: { 'content-type': 'text/html' } }),
      expected: ResponseValidationError,
      status: 200,
    },
    'a JSON body instead of the ciphertext': {
      answer: () => HttpResponse.json({ detail: 'artifact moved' }),
      expected: ResponseValidationError,
      status: 200,
    },
    "a proxy's HTML 502": {
      answer: () => new HttpResponse(PROXY_PAGE, { status: 502, headers: { 'content-type': 'text/html' } }),
      expected: APIError,
      status: 502,
    },
    'an empty 200 without headers': {
      answer: () => new HttpResponse(null, { status: 200 }),
      expected: ResponseValidationError,
      status: 200,
    },
    'an empty 200 of ciphertext': {
      answer: () => new HttpResponse(new Uint8Array(0), { headers: { ...ciphertextHeaders, 'content-length': '0' } }),
      expected: ArtifactIntegrityError,
    },
    'a huge body longer than its Content-Length': {
      answer: () => new HttpResponse(new Uint8Array(8_000_000), { headers: { ...ciphertextHeaders, 'content-length': '1024' } }),
      expected: ArtifactIntegrityError,
    },
  };
  for (const [name, { answer, expected, status }] of Object.entries(cases)) {
    it(`${name}: ${expected.name}, no key in it`, async () => {
      const id = await artifactId();
      server.use(http.get(`${V1}/artifacts/:id/content`, answer));
      for (const params of [{}, { stream: true as const }]) {
        const result = await outcome(async () => {
          const artifact = await client().pullArtifact(id, params as { stream?: false });
          if ('body' in artifact) await new Response(artifact.body as ReadableStream<Uint8Array>).arrayBuffer();
          return artifact;
        });
        expect(result.kind, JSON.stringify(params)).toBe('rejected');
        expectTypedError((result as { error: unknown }).error, expected, status);
      }
    });
  }
});
