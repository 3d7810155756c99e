// Malformed answers from the Tinker server or a proxy in front of it (issue 8, "Bad input"): a GET,
// a POST, a future poll, a list and the checkpoint archive URL each answered with invalid JSON,
// wrong types, missing fields, a huge body, the wrong content type, a proxy's HTML 502 and an empty
// 200. A 2xx gives ResponseValidationError, anything else APIError with the status — never a
// TypeError from deep inside — and no message carries the key.
import { APIError, ResponseValidationError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { getResponse, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createTinkerMock } from '../mocks/tinker.js';
import { outcome } from '../test-support/hostile-input.js';
import { ServiceClient } from './tinker-service-client.js';

const BASE = 'https://tinker.thinkingmachines.dev/services/tinker-prod';
const API = `${BASE}/api/v1`;
const KEY = 'tml-planted-key-5f3a9c0d';
const MODEL = 'Qwen/Qwen3-8B';

let mock = createTinkerMock({ apiKey: KEY });
const { server } = useMockServer(() => {
  mock = createTinkerMock({ apiKey: KEY, seed: 3, pollsUntilDone: 0, archiveRequestsUntilReady: 0, archiveAnswer: 'json' });
  return mock.handlers;
});

const service = () => new ServiceClient({ apiKey: KEY, logLevel: 'off', heartbeatInterval: 0, maxRetries: 0 });
const firstRun = () => [...mock.state.models.values()][0]!;

/** The mock's own answer to `request`, in JSON (a sample poll asks for protobuf, which the mock would answer). */
async function mockAnswer(request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.set('accept', 'application/json');
  const body = request.method === 'GET' ? undefined : await request.arrayBuffer();
  return (await getResponse(mock.handlers, new Request(request.url, { method: request.method, headers, body }))) as Response;
}

/** The mock's own answer to `request`, each top-level field given a value of another type. */
async function wrongTypes(request: Request): Promise<Response> {
  const real = await mockAnswer(request);
  const body = (await real.json()) as Record<string, unknown>;
  const flipped = Object.fromEntries(
    Object.entries(body).map(([key, value]) => [key, typeof value === 'number' ? 'twelve' : typeof value === 'string' ? 12 : 'wrong']),
  );
  return HttpResponse.json(flipped, { status: real.status });
}

const PROXY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Each malformed answer, and the status its error must carry. */
const ANSWERS: Record<string, { status: number; answer: (request: Request) => Response | Promise<Response> }> = {
  'invalid JSON': {
    status: 200,
    answer: () => new HttpResponse('{"training_run_id": "run-1", "base_model": ', { headers: { 'content-type': 'application/json' } }),
  },
  'wrong types': { status: 200, answer: wrongTypes },
  'missing fields': { status: 200, answer: () => HttpResponse.json({}) },
  'a huge body': { status: 200, answer: () => HttpResponse.json({ padding: 'x'.repeat(8_000_000) }) },
  'the wrong content type': {
    status: 200,
    answer: async (request) => {
      const real = await mockAnswer(request);
      return new HttpResponse(await real.text(), { headers: { 'content-type': 'text/plain' } });
    },
  },
  "a proxy's HTML 502": {
    status: 502,
    answer: () => new HttpResponse(PROXY_PAGE, { status: 502, headers: { 'content-type': 'text/html' } }),
  },
  'an empty 200': { status: 200, answer: () => new HttpResponse(null, { status: 200 }) },
};

/** The representative operations: how to answer them, and how a user calls them. */
const OPERATIONS: { name: string; route: string; method: 'get' | 'post'; call: () => Promise<unknown> }[] = [
  {
    name: 'getTrainingRun (a GET)',
    method: 'get',
    route: `${API}/training_runs/:id`,
    call: () => service().createRestClient().getTrainingRun(firstRun().run.training_run_id).result(),
  },
  {
    name: 'createSamplingClient (a POST)',
    method: 'post',
    route: `${API}/create_sampling_session`,
    call: () => service().createSamplingClient({ base_model: MODEL }),
  },
  {
    name: 'sample (a future poll)',
    method: 'post',
    route: `${API}/retrieve_future`,
    call: async () => {
      const sampling = await service().createSamplingClient({ base_model: MODEL });
      return sampling.sample({ chunks: [{ type: 'encoded_text', tokens: [1, 2, 3] }] }, 1, { max_tokens: 2 }).result({ timeout: 5_000 });
    },
  },
  {
    name: 'listTrainingRuns (a list)',
    method: 'get',
    route: `${API}/training_runs`,
    call: () => service().createRestClient().listTrainingRuns().result(),
  },
  {
    name: 'getCheckpointArchiveUrl (the archive download)',
    method: 'get',
    route: `${API}/training_runs/:id/checkpoints/:kind/:name/archive`,
    call: () => {
      const run = firstRun();
      // No retries: the archive call otherwise retries a 5xx five times (the archive may be being built).
      const options = { maxRetries: 0 };
      return service()
        .createRestClient()
        .getCheckpointArchiveUrl(run.run.training_run_id, run.checkpoints[0]!.checkpoint_id, options)
        .result();
    },
  },
];

/** Fail if `error` or any way of printing it shows the key. */
function expectNoKey(error: unknown) {
  const shown = [String(error), (error as Error).stack ?? '', JSON.stringify(error), (error as Error).message];
  for (const text of shown) expect(text).not.toContain(KEY);
}

for (const operation of OPERATIONS) {
  describe(`Tinker ${operation.name} with a malformed answer`, () => {
    for (const [name, { status, answer }] of Object.entries(ANSWERS)) {
      const transient = status >= 500 && operation.route.endsWith('/retrieve_future');
      it(
        transient
          ? `${name}: a poll keeps going through it and the future resolves`
          : `${name}: ${status < 300 ? 'ResponseValidationError' : 'APIError'} with status ${status}, no key in it`,
        async () => {
          let answered = 0;
          server.use(
            http[operation.method](
              operation.route,
              ({ request }) => {
                answered++;
                return answer(request);
              },
              { once: transient },
            ),
          );
          const result = await outcome(operation.call);
          expect(answered).toBeGreaterThan(0);
          if (transient) {
            // A 5xx on a poll is transient (as the SDK treats it): the next poll gets the real answer.
            expect(result.kind).toBe('value');
            return;
          }
          expect(result.kind).toBe('rejected');
          const error = (result as { error: unknown }).error;
          const expected = status < 300 ? ResponseValidationError : APIError;
          expect(error, String(error)).toBeInstanceOf(expected);
          expect((error as ResponseValidationError | APIError).status).toBe(status);
          expect((error as Error).message.length).toBeLessThan(1_000);
          expectNoKey(error);
        },
      );
    }
  });
}
