import { describe, expect, it } from 'vitest';
import { NotFoundError } from './api-error.js';
import { APIPromise } from './api-promise.js';
import { Future } from './future.js';
import { fixedInterval } from './poll-strategy.js';
import { schemaValidator } from './schema-validator.js';
import { fakeFetch, json } from './test-support/fake-fetch.js';
import { type paths, widgets } from './test-support/widgets.js';
import { TrainwireError } from './trainwire-error.js';
import { createTransport, type TransportOptions } from './transport.js';
import { withPagination } from './with-pagination.js';

const widget = { id: 'w1', name: 'gear', size: 3 };

function transport(script: Parameters<typeof fakeFetch>[0], options: Partial<TransportOptions> = {}) {
  const fake = fakeFetch(script);
  const inits: (RequestInit | undefined)[] = [];
  const client = withPagination(
    createTransport<paths>({
      definition: widgets,
      validator: schemaValidator,
      baseURL: 'https://widgets.test/api',
      apiKey: 'wk-test-0123456789',
      fetch: (request, init) => {
        inits.push(init);
        return fake.fetch(request, init);
      },
      logLevel: 'off',
      ...options,
    }),
  );
  return { client, seen: fake.seen, inits };
}

const getWidget = { params: { path: { id: 'w1' } } };

describe('APIPromise from transport.request', () => {
  it('is a Promise that awaits to the data', async () => {
    const { client } = transport([json(widget, 200, { 'x-request-id': 'req-1' })]);
    const pending = client.request('get', '/widgets/{id}', getWidget);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual(widget);
  });

  it('withResponse gives data, response and the request id, with one request', async () => {
    const { client, seen } = transport([json(widget, 200, { 'x-request-id': 'req-1' })]);
    const pending = client.request('get', '/widgets/{id}', getWidget);
    const { data, response, requestId } = await pending.withResponse();
    expect(data).toEqual(widget);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(requestId).toBe('req-1');
    expect(await pending).toEqual(widget);
    expect(seen).toHaveLength(1);
  });

  it('reads request-id when x-request-id is absent, and gives undefined when neither is sent', async () => {
    const { client } = transport([json(widget, 200, { 'request-id': 'req-2' }), json(widget)]);
    expect((await client.request('get', '/widgets/{id}', getWidget).withResponse()).requestId).toBe('req-2');
    expect((await client.request('get', '/widgets/{id}', getWidget).withResponse()).requestId).toBeUndefined();
  });

  it('asResponse called at once gives the response with its body unread', async () => {
    const { client, seen } = transport([json(widget, 200, { 'x-request-id': 'req-3' })]);
    const response = await client.request('get', '/widgets/{id}', getWidget).asResponse();
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual(widget);
    expect(seen).toHaveLength(1);
  });

  it('asResponse after the data was read gives the response whose body went into the data', async () => {
    const { client } = transport([json(widget)]);
    const pending = client.request('get', '/widgets/{id}', getWidget);
    await pending;
    expect((await pending.asResponse()).status).toBe(200);
  });

  it('reading the data after asResponse took the body says why it cannot', async () => {
    const { client } = transport([json(widget)]);
    const pending = client.request('get', '/widgets/{id}', getWidget);
    await pending.asResponse();
    await expect(pending).rejects.toThrow(TrainwireError);
    await expect(pending).rejects.toThrow(/asResponse\(\) was called first/);
  });

  it('rejects withResponse and asResponse with the APIError (request id included) on a non-2xx', async () => {
    const { client } = transport([json({ error: { message: 'No widget w9.' } }, 404, { 'x-request-id': 'req-9' })]);
    const error = await client
      .request('get', '/widgets/{id}', getWidget)
      .withResponse()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toBe('req-9');
    await expect(client.request('get', '/widgets/{id}', getWidget).asResponse()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends the request without anyone awaiting it', async () => {
    const { client, seen } = transport([json(widget)]);
    client.request('get', '/widgets/{id}', getWidget);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(1);
  });

  it('map transforms the data and keeps the response', async () => {
    const { client, seen } = transport([json(widget, 200, { 'x-request-id': 'req-4' })]);
    const name = client.request('get', '/widgets/{id}', getWidget).map((data) => data.name);
    expect(await name).toBe('gear');
    const { data, requestId } = await name.withResponse();
    expect(data).toBe('gear');
    expect(requestId).toBe('req-4');
    expect(seen).toHaveLength(1);
  });

  it('a throwing exchange rejects instead of throwing', async () => {
    const pending = new APIPromise(() => {
      throw new Error('boom');
    });
    await expect(pending).rejects.toThrow('boom');
    await expect(pending.asResponse()).rejects.toThrow('boom');
  });
});

describe('PagePromise responses', () => {
  it('withResponse gives the first page and its response; responseOf each later page', async () => {
    const { client } = transport([
      json({ widgets: [widget], total: 2 }, 200, { 'x-request-id': 'page-1' }),
      json({ widgets: [{ ...widget, id: 'w2' }], total: 2 }, 200, { 'x-request-id': 'page-2' }),
    ]);
    const list = client.paginate('get', '/widgets', { params: { query: { limit: 1 } } });
    const first = await list.withResponse();
    expect(first.data.widgets[0]?.id).toBe('w1');
    expect(first.requestId).toBe('page-1');
    expect((await list.asResponse()).status).toBe(200);
    const ids: (string | undefined)[] = [];
    for await (const page of list.pages()) ids.push(list.responseOf(page)?.requestId);
    expect(ids).toEqual(['page-1', 'page-2']);
  });
});

describe('fetchOptions', () => {
  it('spreads client and call fetchOptions into every fetch init, the call winning, never over signal or headers', async () => {
    const { client, inits, seen } = transport([json({}, 503, { 'retry-after-ms': '1' }), json(widget)], {
      fetchOptions: { dispatcher: 'client-agent', cache: 'no-store', headers: { 'x-api-key': 'stolen' } },
    });
    await client.request('get', '/widgets/{id}', getWidget, { fetchOptions: { dispatcher: 'call-agent' } });
    expect(inits).toHaveLength(2);
    for (const init of inits) {
      expect(init).toMatchObject({ dispatcher: 'call-agent', cache: 'no-store' });
      expect(init?.signal).toBeInstanceOf(AbortSignal);
      expect(init?.headers).toBeUndefined();
    }
    expect(seen[0]?.headers.get('x-api-key')).toBe('wk-test-0123456789');
  });

  it('passes no extra init fields when none are given (the transport follows redirects itself)', async () => {
    const { client, inits } = transport([json(widget)]);
    await client.request('get', '/widgets/{id}', getWidget);
    expect(Object.keys(inits[0] ?? {}).sort()).toEqual(['redirect', 'signal']);
    expect(inits[0]?.redirect).toBe('manual');
  });
});

describe('Future responses', () => {
  it('withResponse gives the value with the response of the poll that settled it; submitResponse the submit request', async () => {
    const submitted = json({ id: 'op-1' }, 202, { 'x-request-id': 'submit-1' });
    const polls = [json({ state: 'pending' }, 200, { 'x-request-id': 'poll-1' }), json({ value: 42 }, 200, { 'x-request-id': 'poll-2' })];
    const future = Future.submit<number>(async () => ({
      id: 'op-1',
      response: submitted,
      strategy: fixedInterval(1),
      poll: async ({ attempt, respond }) => {
        const response = polls[attempt] as Response;
        respond(response);
        return attempt === 0 ? { state: 'pending' } : { state: 'done', value: 42 };
      },
    }));
    const { data, response, requestId } = await future.withResponse();
    expect(data).toBe(42);
    expect(response).toBe(polls[1]);
    expect(requestId).toBe('poll-2');
    expect(await future.submitResponse()).toEqual({ id: 'op-1', response: submitted, requestId: 'submit-1' });
  });

  it('a future settled without a response gives undefined ones', async () => {
    const future = Future.resolve('local', 7);
    expect(await future.withResponse()).toEqual({ data: 7, response: undefined, requestId: undefined });
    expect((await future.submitResponse()).response).toBeUndefined();
  });
});

describe('Future.resolve of an APIPromise', () => {
  it('keeps the response of the call', async () => {
    const { client } = transport([json(widget, 200, { 'x-request-id': 'req-f' })]);
    const future = Future.resolve('get', client.request('get', '/widgets/{id}', getWidget));
    const { data, requestId } = await future.withResponse();
    expect(data).toEqual(widget);
    expect(requestId).toBe('req-f');
  });
});
