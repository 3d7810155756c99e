import { inspect } from 'node:util';
import { createTransport } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { paths } from './generated/jobs.js';
import { service } from './generated/jobs-service.js';
import {
  APIError,
  InsufficientCreditsError,
  InternalServerError,
  JobTimeoutError,
  MiddlemanClient,
  ResponseValidationError,
} from './index.js';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY } from './mocks/index.js';

const BASE = 'https://api.middleman.run/api/v1';
/** A key the server hands out in a broken answer to `createApiKey`: it must not surface in any error text. */
const NEW_KEY = 'mdlm_live_fresh0123456789secret';

const { server, requests } = useMockServer(() => createMiddlemanMock({ seed: 3, speed: 0 }).handlers);

const client = () => new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off', maxRetries: 0 });

const json = (body: string, status = 200, type = 'application/json') =>
  new HttpResponse(body, { status, headers: { 'Content-Type': type } });

const PROXY_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** Answers no 2xx of any operation may be accepted as (`status` is the operation's documented success). */
const MALFORMED: Record<string, (status: number) => Response> = {
  'invalid JSON': (status) => json('{"id": "job_1", "status": ', status),
  'JSON null': (status) => json('null', status),
  'an array instead of an object': (status) => json('[]', status),
  'a bare string': (status) => json('"ok"', status),
  'missing fields': (status) => json('{}', status),
  'a huge body (8 MB) without the fields': (status) => json(`{"padding": "${'x'.repeat(8 * 1024 * 1024)}"}`, status),
  'a huge body (8 MB) that is not JSON': (status) => json('x'.repeat(8 * 1024 * 1024), status),
  'the wrong content type': (status) => json('{"detail": "fine"}', status, 'text/plain'),
  'an HTML page from a captive portal': (status) => json('<html><body>Sign in to the Wi-Fi</body></html>', status, 'text/html'),
  'an empty body': (status) => new HttpResponse(null, { status }),
  'an empty body that says it is JSON': (status) => json('', status),
};

interface Operation {
  /** The route to answer in place of the mock. */
  method: 'get' | 'post';
  path: string;
  /** The documented success status. */
  status: number;
  call: (client: MiddlemanClient) => Promise<unknown>;
  /** Well-formed JSON whose fields have the wrong types. */
  wrongTypes: unknown[];
}

const collect = async <Item>(items: AsyncIterable<Item>) => {
  const all: Item[] = [];
  for await (const item of items) all.push(item);
  return all;
};

const OPERATIONS: Record<string, Operation> = {
  getJob: {
    method: 'get',
    path: '/jobs/:id',
    status: 200,
    call: (middleman) => middleman.getJob('job_1'),
    wrongTypes: [
      { id: 7, status: 'running' },
      { id: 'job_1', name: 'x', status: 'exploded', created_at: 1 },
    ],
  },
  'listJobs (await)': {
    method: 'get',
    path: '/jobs',
    status: 200,
    call: (middleman) => Promise.resolve(middleman.listJobs()),
    wrongTypes: [
      { data: {}, total: '3' },
      { data: [{ id: 1, status: 'queued' }], total: 1 },
      { data: [], total: -1 },
    ],
  },
  'listJobs (for await)': {
    method: 'get',
    path: '/jobs',
    status: 200,
    call: (middleman) => collect(middleman.listJobs({ limit: 5 })),
    wrongTypes: [
      { data: 'jobs', total: 3 },
      { data: [null], total: 1 },
    ],
  },
  createJob: {
    method: 'post',
    path: '/jobs',
    status: 201,
    call: (middleman) => middleman.createJob({ script_path: '/s/train.py', input_data_path: '/d/in' }),
    wrongTypes: [{ id: 'job_9', status: 'queued', queue_position: '1', estimated_cost: 40, reserved_credits: 40 }],
  },
  getBalance: {
    method: 'get',
    path: '/billing/balance',
    status: 200,
    call: (middleman) => middleman.getBalance(),
    wrongTypes: [
      { balance: '100', reserved: 0, available: 100 },
      { balance: 1.5, reserved: 0, available: 1.5 },
    ],
  },
  getTransactions: {
    method: 'get',
    path: '/billing/transactions',
    status: 200,
    call: (middleman) => Promise.resolve(middleman.getTransactions()),
    wrongTypes: [{ data: [{ id: 't', amount: 'ten', type: 'purchase', description: 'd', created_at: 'now' }], total: 1 }],
  },
  createApiKey: {
    method: 'post',
    path: '/api-keys',
    status: 201,
    call: (middleman) => middleman.createApiKey({ name: 'ci' }),
    wrongTypes: [
      { id: 5, key: NEW_KEY },
      { key: NEW_KEY, name: 'ci', scopes: 'read' },
    ],
  },
  "uploadFile's presigned URL": {
    method: 'post',
    path: '/data/upload-url',
    status: 200,
    call: (middleman) => middleman.uploadFile(new Blob(['a,b\n1,2\n']), { filename: 'train.csv' }),
    wrongTypes: [{ upload_url: 42, blob_path: 'uploads/x' }, { upload_url: 'https://storage.example/x' }],
  },
};

/** What a caught error must look like: typed, the status kept, short, and without a key in any rendering. */
function expectClean(error: unknown): void {
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).not.toBeInstanceOf(RangeError);
  expect(error).not.toBeInstanceOf(SyntaxError);
  const message = (error as Error).message;
  expect(message.length).toBeLessThan(2_000);
  for (const rendered of [message, JSON.stringify(error), inspect(error)]) {
    expect(rendered).not.toContain(MIDDLEMAN_MOCK_API_KEY);
    expect(rendered).not.toContain(NEW_KEY);
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (error: unknown) => error,
  );
}

describe.each(Object.entries(OPERATIONS))('a malformed answer to %s', (_name, operation) => {
  const answerWith = (answer: () => Response) => server.use(http[operation.method](`${BASE}${operation.path}`, answer));

  it.each(Object.entries(MALFORMED))('%s is a ResponseValidationError', async (_kind, answer) => {
    answerWith(() => answer(operation.status));
    const error = await failure(operation.call(client()));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).status).toBe(operation.status);
    expectClean(error);
  });

  it.each(operation.wrongTypes.map((body) => [JSON.stringify(body), body]))(
    '%s (wrong types) is a ResponseValidationError',
    async (_text, body) => {
      answerWith(() => HttpResponse.json(body as never, { status: operation.status }));
      const error = await failure(operation.call(client()));
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect((error as ResponseValidationError).message).toMatch(/does not match the spec at \$/);
      expectClean(error);
    },
  );

  it("a proxy's HTML 502 page is an APIError with status 502 that does not quote the page", async () => {
    answerWith(() => json(PROXY_PAGE, 502, 'text/html'));
    const error = await failure(operation.call(client()));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as APIError).status).toBe(502);
    expect((error as APIError).message).toMatch(/^502/);
    expectClean(error);
  });

  it('a 4xx whose body is invalid JSON is an APIError with the status', async () => {
    answerWith(() => json('{"detail": ', 409));
    const error = await failure(operation.call(client()));
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(409);
    expectClean(error);
  });
});

describe('error pages that are not what the API sends', () => {
  it('a 402 without the JSON envelope is still InsufficientCreditsError with the status', async () => {
    server.use(http.post(`${BASE}/jobs`, () => json('Payment Required', 402, 'text/plain')));
    const error = await failure(client().createJob({ script_path: '/s.py', input_data_path: '/d' }));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect((error as APIError).status).toBe(402);
    expectClean(error);
  });

  it.each([
    ['an HTML 502 page', 502, 'text/html'],
    ['a JSON 400', 400, 'application/json'],
    ['a 200 that is not JSON', 200, 'application/json'],
  ])('%s that echoes the request headers (API key included) does not show the key', async (_kind, status, type) => {
    server.use(
      http.get(`${BASE}/billing/balance`, ({ request }) =>
        json(
          `<pre>X-API-Key: ${request.headers.get('x-api-key')}</pre> {"detail": "X-API-Key ${request.headers.get('x-api-key')}"}`,
          status,
          type,
        ),
      ),
    );
    const error = await failure(client().getBalance());
    expect(error).toBeInstanceOf(status === 200 ? ResponseValidationError : APIError);
    expectClean(error);
    expect(JSON.stringify((error as { body?: unknown }).body)).not.toContain(MIDDLEMAN_MOCK_API_KEY);
  });
});

describe('malformed answers in the middle of a walk or a wait', () => {
  it('a malformed second page fails the for-await walk with ResponseValidationError after the first page', async () => {
    server.use(
      http.get(`${BASE}/jobs`, ({ request }) => {
        const offset = new URL(request.url).searchParams.get('offset');
        if (offset === '0') return undefined; // the mock's real first page
        return HttpResponse.json({ data: [{ id: 'job_x' }], total: 'many' } as never);
      }),
    );
    const seen: string[] = [];
    const walk = async () => {
      for await (const job of client().listJobs({ limit: 4 })) seen.push(job.id);
    };
    const error = await failure(walk());
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(seen).toHaveLength(4);
    expectClean(error);
  });

  it('the checked walk still stops at maxItems and maxPages, fetching no page more than needed', async () => {
    const walk = (options: { maxItems?: number; maxPages?: number }) => collect(client().listJobs({ limit: 3 }, options));
    const pagesAsked = () => requests.filter((request) => request.url.pathname === '/api/v1/jobs').length;
    expect(await walk({ maxItems: 4 })).toHaveLength(4);
    expect(pagesAsked()).toBe(2);
    expect(await walk({ maxItems: 0 })).toEqual([]);
    expect(pagesAsked()).toBe(2);
    expect(await walk({ maxPages: 1 })).toHaveLength(3);
    expect(pagesAsked()).toBe(3);
    expect(await walk({})).toHaveLength(10);
  });

  it('waitForJob stops with ResponseValidationError when a later poll is malformed', async () => {
    let polls = 0;
    server.use(
      http.get(`${BASE}/jobs/:id`, () => {
        polls += 1;
        return polls === 1 ? undefined : json('{"id": "job_1", "status": "running", "progress": ');
      }),
    );
    const [[first]] = await client().listJobs({ status: 'running' });
    const error = await failure(client().waitForJob(first?.id ?? '', { pollInterval: 1 }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(polls).toBe(2);
    expectClean(error);
  });

  it('waitForJob stops with ResponseValidationError on an empty 200 poll (no TypeError from the status check)', async () => {
    server.use(http.get(`${BASE}/jobs/:id`, () => new HttpResponse(null, { status: 200 })));
    const error = await failure(client().waitForJob('job_1', { pollInterval: 1 }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expectClean(error);
  });

  it("waitForJob waits out a proxy's HTML 502 and ends with JobTimeoutError when it never clears", async () => {
    server.use(http.get(`${BASE}/jobs/:id`, () => json(PROXY_PAGE, 502, 'text/html')));
    const error = await failure(client().waitForJob('job_1', { pollInterval: 5, timeout: 60 }));
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(requests.filter((request) => request.url.pathname === '/api/v1/jobs/job_1').length).toBeGreaterThan(1);
    expectClean(error);
  });
});

describe("uploadFile's presigned URL", () => {
  it.each([
    ['not a URL', 'not a url'],
    ['a relative path', '/_storage/uploads/x'],
    ['a file: URL', 'file:///etc/passwd'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['plain http to another host', 'http://storage.example.com/upload/x?signature=abc'],
  ])('%s in upload_url is a ResponseValidationError and nothing is PUT', async (_kind, uploadUrl) => {
    server.use(http.post(`${BASE}/data/upload-url`, () => HttpResponse.json({ upload_url: uploadUrl, blob_path: 'uploads/x' })));
    const error = await failure(client().uploadFile(new Blob(['abc']), { filename: 'a.txt' }));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/upload_url/);
    expect((error as Error).message).not.toContain('signature');
    expect(requests.filter((request) => request.method === 'PUT')).toEqual([]);
    expectClean(error);
  });

  it('plain http is accepted to a loopback host, and elsewhere with allowInsecureHTTP', async () => {
    const puts: string[] = [];
    server.use(
      http.post(`${BASE}/data/upload-url`, ({ request }) =>
        HttpResponse.json({
          upload_url: request.headers.get('x-target') ?? '',
          blob_path: 'uploads/x',
        }),
      ),
      http.put('http://127.0.0.1:9/upload/x', () => {
        puts.push('loopback');
        return new HttpResponse(null, { status: 200 });
      }),
      http.put('http://storage.internal/upload/x', () => {
        puts.push('insecure');
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const upload = (middleman: MiddlemanClient, target: string) =>
      middleman.uploadFile(new Blob(['abc']), { filename: 'a.txt' }, { headers: { 'X-Target': target } });
    await expect(upload(client(), 'http://127.0.0.1:9/upload/x')).resolves.toBe('uploads/x');
    await expect(upload(client(), 'http://storage.internal/upload/x')).rejects.toThrow(/unencrypted/);
    const insecure = new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off', maxRetries: 0, allowInsecureHTTP: true });
    await expect(upload(insecure, 'http://storage.internal/upload/x')).resolves.toBe('uploads/x');
    expect(puts).toEqual(['loopback', 'insecure']);
  });

  it('a malformed presigned-URL answer sends no PUT', async () => {
    server.use(http.post(`${BASE}/data/upload-url`, () => json('{"upload_url": ')));
    await expect(client().uploadFile(new Blob(['abc']), { filename: 'a.txt' })).rejects.toBeInstanceOf(ResponseValidationError);
    expect(requests.map((request) => request.method)).toEqual(['POST']);
  });
});

/** What @trainwire/core guarantees for the Middleman spec (once bugs, fixed in core). */
describe('core transport', () => {
  const transport = () =>
    createTransport<paths>({ definition: service, baseURL: BASE, apiKey: MIDDLEMAN_MOCK_API_KEY, maxRetries: 0, logLevel: 'off' });

  // An empty 2xx to an operation whose spec declares a JSON body must not resolve to `undefined`
  // (nor end a paged walk as if the list were empty).
  it('an empty 200 to an operation that declares a body is a ResponseValidationError', async () => {
    server.use(http.get(`${BASE}/billing/balance`, () => new HttpResponse(null, { status: 200 })));
    await expect(transport().request('get', '/billing/balance', {})).rejects.toBeInstanceOf(ResponseValidationError);
  });

  // A 200 to an operation that documents 201 is checked against the 201 schema: `createApiKey`
  // must not return `[{}, undefined]` for `{}`.
  it('a 200 to an operation that documents 201 is still validated', async () => {
    server.use(http.post(`${BASE}/api-keys`, () => HttpResponse.json({})));
    await expect(
      transport().request('post', '/api-keys', { body: { name: 'ci', scopes: ['read'], expires_in_days: null } }),
    ).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
