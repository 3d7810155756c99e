import { afterEach, describe, expect, it, vi } from 'vitest';
import { APIError, AuthenticationError, InternalServerError, NotFoundError, RateLimitError } from './api-error.js';
import { APIConnectionError, ConfigError, InvalidRequestError } from './errors.js';
import { loadSchemaValidator, loadSchemaValidatorWith } from './load-schema-validator.js';
import { ResponseValidationError } from './refusal-errors.js';
import { schemaValidator } from './schema-validator.js';
import type { OperationDefinition, ServiceDefinition } from './service-definition.js';
import { fakeFetch, json } from './test-support/fake-fetch.js';
import { type paths, widgets } from './test-support/widgets.js';
import { createTransport, type TransportOptions } from './transport.js';
import { withPagination } from './with-pagination.js';

const widget = { id: 'w1', name: 'gear', size: 3 };

function transport(script: Parameters<typeof fakeFetch>[0], options: Partial<TransportOptions> = {}) {
  const fake = fakeFetch(script);
  const client = withPagination(
    createTransport<paths>({
      definition: widgets,
      validator: schemaValidator,
      baseURL: 'https://widgets.test/api',
      apiKey: 'wk-test-0123456789',
      userAgent: 'trainwire-widgets/1.2.3',
      fetch: fake.fetch,
      logLevel: 'off',
      ...options,
    }),
  );
  return { client, seen: fake.seen };
}

describe('createTransport', () => {
  it('sends auth, user agent and accept headers and returns the typed data', async () => {
    const { client, seen } = transport([json(widget)]);
    const result = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } });
    expect(result).toEqual(widget);
    expect(seen[0]?.url).toBe('https://widgets.test/api/widgets/w1');
    expect(seen[0]?.headers.get('x-api-key')).toBe('wk-test-0123456789');
    expect(seen[0]?.headers.get('user-agent')).toBe('trainwire-widgets/1.2.3');
    expect(seen[0]?.headers.get('accept')).toBe('application/json');
    expect(seen[0]?.headers.get('idempotency-key')).toBeNull();
  });

  it('sends a bearer token when the service says so', async () => {
    const { client, seen } = transport([json(widget)], { auth: { type: 'bearer' } });
    await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } });
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer wk-test-0123456789');
    expect(seen[0]?.headers.get('x-api-key')).toBeNull();
  });

  it('gives a write an idempotency key and keeps it across retries', async () => {
    const { client, seen } = transport([json({}, 503, { 'retry-after-ms': '1' }), json(widget, 201)]);
    const created = await client.request('post', '/widgets', { body: { name: 'gear' } });
    expect(created).toEqual(widget);
    expect(seen).toHaveLength(2);
    const key = seen[0]?.headers.get('idempotency-key');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1]?.headers.get('idempotency-key')).toBe(key);
    expect(seen[1]?.body).toBe('{"name":"gear"}');
  });

  it('sends a retried body exactly as the first time, a multipart form under the boundary its Content-Type names', async () => {
    // Like the real fetch, the Request sent is built from both arguments.
    const seen: { type: string | null; body: string }[] = [];
    const fetch = async (input: Request, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push({ type: request.headers.get('content-type'), body: await request.text() });
      return seen.length % 2 === 1 ? json({}, 503, { 'retry-after-ms': '1' }) : json(widget, 201);
    };
    const { client } = transport([], { fetch, validateRequests: false });
    const form = new FormData();
    form.set('name', 'gear');
    await client.request('post', '/widgets', { body: form as never });
    expect(seen).toHaveLength(2);
    for (const { type, body } of seen) {
      const boundary = /boundary=(\S+)/.exec(type ?? '')?.[1];
      expect(body).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\ngear\r\n--${boundary}--`);
    }
    await client.request('post', '/widgets', { body: { name: 'gear' } });
    expect(seen.slice(2).map((attempt) => attempt.body)).toEqual(['{"name":"gear"}', '{"name":"gear"}']);
  });

  it('uses the caller idempotency key and per-call headers', async () => {
    const { client, seen } = transport([json(widget, 201)]);
    await client.request('post', '/widgets', { body: { name: 'gear' } }, { idempotencyKey: 'mine-1', headers: { 'X-Trace': 't-1' } });
    expect(seen[0]?.headers.get('idempotency-key')).toBe('mine-1');
    expect(seen[0]?.headers.get('x-trace')).toBe('t-1');
  });

  it('maps statuses to error classes with status, body, request id and attempts', async () => {
    const { client } = transport([json({ error: { message: 'No widget w9.' } }, 404, { 'x-request-id': 'req-42' })]);
    const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w9' } } }).catch((caught) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('404 No widget w9.');
    expect(error.status).toBe(404);
    expect(error.requestId).toBe('req-42');
    expect(error.body).toEqual({ error: { message: 'No widget w9.' } });
    expect(error.attempts).toBe(1);
  });

  it.each([
    [401, AuthenticationError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
  ])('maps %i to %o after the retries it allows', async (status, Class) => {
    const { client, seen } = transport([json({ message: 'nope' }, status, { 'retry-after-ms': '1' })]);
    const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught) => caught);
    expect(error).toBeInstanceOf(Class);
    const retried = status !== 401;
    expect(seen).toHaveLength(retried ? 3 : 1);
    expect(error.attempts).toBe(retried ? 3 : 1);
  });

  it('lets a service map statuses to its own classes', async () => {
    class WidgetGoneError extends NotFoundError {}
    const { client } = transport([json({}, 404)], { errorClasses: { 404: WidgetGoneError } });
    await expect(client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).rejects.toBeInstanceOf(WidgetGoneError);
  });

  it('validates 2xx bodies against the spec and names the first mismatch', async () => {
    const { client } = transport([json({ widgets: [widget, { id: 'w2', name: 7, size: null }], total: 2 })]);
    const error = await client.request('get', '/widgets', { params: { query: {} } }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.path).toBe('$.widgets[1].name');
    expect(error.message).toContain('Widgets listWidgets');
    expect(error.message).toContain('expected string, got number 7');
  });

  it('skips validation when it is turned off', async () => {
    const { client } = transport([json({ widgets: [{ id: 1 }], total: 1 })], { validateResponses: false });
    await expect(client.request('get', '/widgets', { params: { query: {} } })).resolves.toEqual({ widgets: [{ id: 1 }], total: 1 });
  });

  it('turns a non-JSON 2xx (a proxy page, a cut body) into ResponseValidationError with the status', async () => {
    const html = new Response('<html>gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const cut = new Response('{"id": "w1", "na', { status: 200, headers: { 'content-type': 'application/json' } });
    for (const answer of [html, cut]) {
      const { client } = transport([answer]);
      const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught) => caught);
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(error.status).toBe(200);
    }
  });

  it('keeps an HTML error page from a proxy as an APIError with its status', async () => {
    const page = new Response('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } });
    const { client } = transport([page], { maxRetries: 0 });
    const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('returns undefined for 204', async () => {
    const { client } = transport([new Response(null, { status: 204 })]);
    await expect(client.request('delete', '/widgets/{id}', { params: { path: { id: 'w1' } } })).resolves.toBeUndefined();
  });

  it('rejects bad params and bodies before sending, naming the field', async () => {
    const { client, seen } = transport([json(widget, 201)]);
    const cases: Array<[Promise<unknown>, string]> = [
      [client.request('get', '/widgets', { params: { query: { limit: 0 } } }), 'query.limit'],
      [client.request('post', '/widgets', { body: { name: '' } }), 'body.name'],
      [client.request('post', '/widgets', { body: { name: 'x', colour: 'red' } as never }), 'body.colour'],
      [client.request('post', '/widgets', {} as never), 'body'],
      [client.request('get', '/widgets/{id}', { params: { path: { id: '' } } }), 'path.id'],
      [client.request('get', '/widgets/{id}', { params: { path: { id: '..' } } }), 'path.id'],
      [
        client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }, { headers: { 'X-Bad': 'a\r\nInjected: 1' } }),
        'header X-Bad',
      ],
    ];
    for (const [call, field] of cases) {
      const error = (await call.catch((caught: unknown) => caught)) as InvalidRequestError;
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe(field);
    }
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['../admin', '/widgets/..%2Fadmin'],
    ['a/b?c#d%e', '/widgets/a%2Fb%3Fc%23d%25e'],
    ['run:1/weights/0001', '/widgets/run%3A1%2Fweights%2F0001'],
    ['модель', '/widgets/%D0%BC%D0%BE%D0%B4%D0%B5%D0%BB%D1%8C'],
  ])('sends path parameter %j as one segment', async (id, path) => {
    const { client, seen } = transport([json(widget)]);
    await client.request('get', '/widgets/{id}', { params: { path: { id } } });
    expect(new URL(seen[0]?.url ?? '').pathname).toBe(`/api${path}`);
  });

  it('wraps a failing fetch in APIConnectionError', async () => {
    const { client } = transport([new TypeError('fetch failed')], { maxRetries: 0 });
    await expect(client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('pages through a list with for await, following the spec', async () => {
    const all = Array.from({ length: 5 }, (_, index) => ({ id: `w${index}`, name: `n${index}`, size: index }));
    const { client, seen } = transport([
      (request) => {
        const query = new URL(request.url).searchParams;
        const offset = Number(query.get('offset') ?? 0);
        const limit = Number(query.get('limit'));
        return json({ widgets: all.slice(offset, offset + limit), total: all.length });
      },
    ]);
    const names: string[] = [];
    for await (const item of client.paginate('get', '/widgets', { params: { query: { limit: 2 } } })) names.push(item.name);
    expect(names).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(seen.map((request) => new URL(request.url).search)).toEqual(['?limit=2', '?limit=2&offset=2', '?limit=2&offset=4']);
  });

  it('pages with the table entry given to paginate when the definition leaves its operations out', async () => {
    const item = (index: number) => ({ id: `w${index}`, name: `n${index}`, size: index });
    const { client, seen } = transport(
      [
        json({ widgets: [item(0), item(1)], total: 3 }),
        json({ widgets: [item(2)], total: 3 }),
        json({ widgets: [{ id: 'w9', name: 'bad', size: 'big' }], total: 1 }),
      ],
      { definition: { ...widgets, operations: {} } },
    );
    const entry = widgets.operations['GET /widgets'];
    expect(() => client.paginate('get', '/widgets', { params: { query: { limit: 2 } } })).toThrow(TypeError);
    const pages = client.paginate('get', '/widgets', { params: { query: { limit: 2 } } }, {}, entry);
    expect((await pages.toArray()).map((item) => item.name)).toEqual(['n0', 'n1', 'n2']);
    expect(seen).toHaveLength(2);
    // Each page is checked against the entry's response schema.
    await expect(client.paginate('get', '/widgets', { params: { query: { limit: 2 } } }, {}, entry)).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
  });

  it('returns the raw response for streamed bodies', async () => {
    const { client } = transport([new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } })]);
    const response = await client.requestRaw('get', '/widgets/{id}', { params: { path: { id: 'w1' } } });
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe('a streamed request body', () => {
  it('is sent half-duplex, never redirected, exactly once, even when the server fails', async () => {
    const chunks = ['{"name":', '"gear"}'];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    let redirect: RequestRedirect | undefined;
    const { client, seen } = transport([
      (request) => {
        redirect = request.redirect;
        return json({ message: 'busy' }, 503, { 'retry-after-ms': '1' });
      },
    ]);
    const error = await client
      .request('post', '/widgets', { body: stream as never }, { idempotencyKey: 'k-1' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.body).toBe('{"name":"gear"}');
    // Not redirectable: fetch would send a clone whose teed body keeps every byte in memory.
    expect(redirect).toBe('error');
  });
});

describe('request bodies', () => {
  it('sends a string to a JSON operation as a JSON string, and validates it', async () => {
    const { client, seen } = transport([json(widget, 201)], { validateRequests: false });
    await client.request('post', '/widgets', { body: 'gear' as never });
    expect(seen[0]?.body).toBe('"gear"');
    const strict = transport([json(widget, 201)]);
    const error = await strict.client.request('post', '/widgets', { body: 'gear' as never }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(strict.seen).toHaveLength(0);
  });
});

describe('bad input that would fail inside fetch is refused before sending', () => {
  const refused = async (call: (client: ReturnType<typeof transport>['client']) => Promise<unknown>, field: string) => {
    const { client, seen } = transport([json(widget)]);
    const error = await call(client).catch((caught: unknown) => caught);
    expect(error, String(error)).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe(field);
    expect(seen).toHaveLength(0);
  };
  const get = { params: { path: { id: 'w1' } } };

  it('a lone surrogate in a path or query value', async () => {
    await refused((client) => client.request('get', '/widgets/{id}', { params: { path: { id: 'w-\uD800' } } }), 'path.id');
    await refused(
      (client) => client.request('get', '/widgets', { params: { query: { name: 'g-\uDC00' } as never } }, { maxRetries: 0 }),
      'query.name',
    );
  });

  it.each([
    [{ 'X-Trace': '漢字' }, 'header X-Trace'],
    [{ 'X-Trace': 'a\r\nX-Injected: 1' }, 'header X-Trace'],
    [{ 'Bad Name': 'x' }, 'header "Bad Name"'],
    [{ 'X-Trace\r\nX-Injected': 'v' }, 'header "X-Trace\\r\\nX-Injected"'],
    [[['X-Trace', 'é Ā']], 'header X-Trace'],
    ['ab', 'headers'],
    [[['X-Trace']], 'headers'],
  ])('headers %j', async (headers, field) => {
    await refused((client) => client.request('get', '/widgets/{id}', get, { headers: headers as never }), field);
  });

  it.each([
    [{ timeout: Object.create(null) }, 'timeout'],
    [{ timeout: -1 }, 'timeout'],
    [{ totalTimeout: Number.NaN }, 'totalTimeout'],
    [{ maxRetries: Number.POSITIVE_INFINITY }, 'maxRetries'],
    [{ maxRetries: '2' }, 'maxRetries'],
    [{ signal: 'stop' }, 'signal'],
    ['fast', 'options'],
    [null, 'options'],
  ])('options %j', async (options, field) => {
    await refused((client) => client.request('get', '/widgets/{id}', get, options as never), field);
  });

  it('a bigint or a cycle anywhere in a JSON body, named by its path', async () => {
    const cyclic: Record<string, unknown> = { name: 'gear' };
    cyclic.self = cyclic;
    const open = { validateRequests: false };
    for (const [body, field] of [
      [{ name: 'gear', size: 10n }, 'body.size'],
      [{ name: 'gear', tags: [{ step: 1n }] }, 'body.tags[0].step'],
      [cyclic, 'body'],
    ] as const) {
      const { client, seen } = transport([json(widget, 201)], open);
      const error = await client.request('post', '/widgets', { body: body as never }).catch((caught: unknown) => caught);
      expect(error, String(error)).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).field).toBe(field);
      expect(seen).toHaveLength(0);
    }
  });

  it('checks the JSON a body is sent as: a Date where the spec wants an object is refused', async () => {
    await refused((client) => client.request('post', '/widgets', { body: new Date(0) as never }), 'body');
  });

  it('accepts headers as an object, a Headers or pairs, and a caller-given idempotency key spelt as the spec does or in lower case', async () => {
    for (const headers of [
      { 'X-Trace': 't', 'idempotency-key': 'k-1' },
      new Headers({ 'X-Trace': 't', 'Idempotency-Key': 'k-1' }),
      [
        ['X-Trace', 't'],
        ['idempotency-key', 'k-1'],
      ],
    ]) {
      const { client, seen } = transport([json(widget, 201)]);
      await client.request('post', '/widgets', { body: { name: 'gear' } }, { headers: headers as never });
      expect(seen[0]?.headers.get('x-trace')).toBe('t');
      expect(seen[0]?.headers.get('idempotency-key')).toBe('k-1');
    }
  });

  it('wrong-typed client options are a ConfigError', () => {
    for (const options of [{ timeout: Object.create(null) }, { maxRetries: -1 }, { headers: 'ab' }]) {
      expect(() => transport([json(widget)], options as never)).toThrow(ConfigError);
    }
  });
});

describe('answers the spec does not expect', () => {
  it('an empty 2xx to an operation that declares a JSON body is a ResponseValidationError with the real status', async () => {
    for (const status of [200, 202]) {
      const { client } = transport([new Response(null, { status })]);
      const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect((error as ResponseValidationError).status).toBe(status);
      expect((error as Error).message).toMatch(/\(status \d+\) does not match the spec at \$: the body is empty/);
    }
  });

  it('an empty 204 where the spec declares no body is fine, and so is any empty answer with validation off', async () => {
    await expect(
      transport([new Response(null, { status: 204 })]).client.request('delete', '/widgets/{id}', { params: { path: { id: 'w1' } } }),
    ).resolves.toBeUndefined();
    const off = transport([new Response(null, { status: 200 })], { validateResponses: false });
    await expect(off.client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).resolves.toBeUndefined();
  });

  it('a 2xx the operation does not declare is checked against the declared one', async () => {
    const { client } = transport([json({}, 200)]);
    const error = await client.request('post', '/widgets', { body: { name: 'gear' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).status).toBe(200);
    expect((error as ResponseValidationError).path).toBe('$.id');
    await expect(transport([json(widget, 200)]).client.request('post', '/widgets', { body: { name: 'gear' } })).resolves.toEqual(widget);
  });

  it('without a validator, checks a response by its compiled check alone and sends requests unchecked', async () => {
    const getWidget = widgets.operations['GET /widgets/{id}'] as OperationDefinition;
    const checked: ServiceDefinition = {
      ...widgets,
      operations: {
        ...widgets.operations,
        'GET /widgets/{id}': {
          ...getWidget,
          responses: {
            ...getWidget.responses,
            '200': { schema: { type: 'object' }, check: (value) => typeof value === 'object' && value !== null && 'id' in value },
          },
        },
      },
    };
    const { client } = transport([json({ name: 'gear' })], { definition: checked, validator: undefined });
    const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('$');
    expect((error as ResponseValidationError).message).toContain('does not match its schema');
    const passing = transport([json(widget)], { definition: checked, validator: undefined });
    await expect(passing.client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).resolves.toEqual(widget);
    // No interpreter: a param the spec refuses goes to the wire, and the server's answer is the error.
    const unchecked = transport([json({ message: 'bad limit' }, 422)], { validator: undefined });
    await expect(unchecked.client.request('get', '/widgets', { params: { query: { limit: 0 } } })).rejects.toBeInstanceOf(APIError);
    expect(unchecked.seen).toHaveLength(1);
  });

  it('loads a validator given as a loader once, and checks the first call with it', async () => {
    let loads = 0;
    const validator = () => {
      loads += 1;
      return loadSchemaValidator();
    };
    const refused = transport([json(widget)], { validator });
    await expect(refused.client.request('get', '/widgets', { params: { query: { limit: 0 } } })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(refused.seen).toHaveLength(0);
    const wrong = transport([json({ ...widget, id: 7 }), json({ ...widget, id: 7 })], { validator });
    for (let call = 0; call < 2; call++) {
      const error = await wrong.client
        .request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })
        .catch((caught: unknown) => caught);
      expect((error as ResponseValidationError).path).toBe('$.id');
    }
    expect(loads).toBe(2);
  });

  it('resolves $refs against the schemas loadSchemaValidatorWith loads, for a table that leaves them out', async () => {
    let loads = 0;
    const validator = loadSchemaValidatorWith(async () => {
      loads += 1;
      return { schemas: widgets.schemas };
    });
    const entry = widgets.operations['GET /widgets/{id}'];
    const bare = { ...widgets, operations: {}, schemas: {} };
    const wrong = transport([json({ ...widget, id: 7 }), json(widget)], { definition: bare, validator });
    const error = await wrong.client
      .request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }, {}, entry)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('$.id');
    await expect(wrong.client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }, {}, entry)).resolves.toEqual(widget);
    expect(loads).toBe(1);
  });

  it('a 501 is not retried, a 503 is', async () => {
    const notImplemented = transport([json({ message: 'no' }, 501), json(widget)]);
    await expect(notImplemented.client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(notImplemented.seen).toHaveLength(1);
    const busy = transport([json({ message: 'busy' }, 503, { 'retry-after-ms': '1' }), json(widget)]);
    await expect(busy.client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).resolves.toEqual(widget);
    expect(busy.seen).toHaveLength(2);
  });
});

describe('one fetch per attempt', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('calls the global fetch with the URL and one init per attempt, never a Request to be built again', async () => {
    const calls: { input: unknown; init: RequestInit | undefined; key: string | null; signal: unknown }[] = [];
    vi.stubGlobal('fetch', async (input: unknown, init?: RequestInit) => {
      calls.push({ input, init, key: new Headers(init?.headers).get('idempotency-key'), signal: init?.signal });
      return calls.length === 1 ? json({}, 503, { 'retry-after-ms': '1' }) : json(widget, 201);
    });
    const { client } = transport([], { fetch: undefined });
    await client.request('post', '/widgets', { body: { name: 'gear' } }, { idempotencyKey: 'k-7' });
    expect(calls).toHaveLength(2);
    for (const { input, init, key, signal } of calls) {
      expect(input).toBe('https://widgets.test/api/widgets');
      expect(init?.method).toBe('POST');
      expect(init?.body).toBe('{"name":"gear"}');
      expect(key).toBe('k-7');
      expect(signal).toBeInstanceOf(AbortSignal);
    }
    // Each attempt has a signal of its own (its timeout), in the same init.
    expect(calls[0]?.signal).not.toBe(calls[1]?.signal);
  });

  it('builds exactly one Request per attempt for a custom fetch', async () => {
    const { client, seen } = transport([json({}, 503, { 'retry-after-ms': '1' }), json(widget)]);
    let built = 0;
    vi.stubGlobal(
      'Request',
      class extends Request {
        constructor(input: RequestInfo | URL, init?: RequestInit) {
          super(input, init);
          built += 1;
        }
      },
    );
    await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } });
    expect(seen).toHaveLength(2);
    expect(built).toBe(2);
  });

  it('serializes a query as openapi-fetch does: exploded arrays, deep objects, nothing for null, undefined or []', async () => {
    const { client, seen } = transport([json({ widgets: [], total: 0 })], { validateRequests: false });
    const query = { limit: 2, tag: ['a b', 'c&d'], filter: { state: 'done' }, empty: [], gone: undefined, none: null, q: 'ü/?' };
    await client.request('get', '/widgets', { params: { query: query as never } });
    expect(new URL(seen[0]?.url ?? '').search).toBe('?limit=2&tag=a%20b&tag=c%26d&filter[state]=done&q=%C3%BC%2F%3F');
  });
});

describe('compiled response checks', () => {
  const withChecks = (check: (value: unknown) => boolean) => {
    const operation = widgets.operations['GET /widgets/{id}'] as OperationDefinition;
    const responses = { ...operation.responses, '200': { ...operation.responses['200'], check } };
    return { ...widgets, operations: { ...widgets.operations, 'GET /widgets/{id}': { ...operation, responses } } };
  };

  it('the compiled check decides: a body it accepts is not interpreted again', async () => {
    const checked: unknown[] = [];
    const { client } = transport([json({ id: 'w1', name: 7, size: 3 })], {
      definition: withChecks((value) => {
        checked.push(value);
        return true;
      }),
    });
    await expect(client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).resolves.toEqual({
      id: 'w1',
      name: 7,
      size: 3,
    });
    expect(checked).toEqual([{ id: 'w1', name: 7, size: 3 }]);
  });

  it('a body the check refuses is interpreted for the path and reason of the issue', async () => {
    const { client } = transport([json({ id: 'w1', name: 7, size: 3 })], { definition: withChecks(() => false) });
    const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ path: '$.name' });
    expect((error as Error).message).toContain('at $.name: expected string, got number 7');
  });
});
