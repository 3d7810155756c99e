import { describe, expectTypeOf, it } from 'vitest';
import type { APIPromise, WithResponse } from './api-promise.js';
import type { PagePromise } from './page-promise.js';
import { type paths, type Widget, widgets } from './test-support/widgets.js';
import { createTransport } from './transport.js';
import { withPagination } from './with-pagination.js';

const transport = withPagination(createTransport<paths>({ definition: widgets, baseURL: 'https://widgets.test' }));

describe('Transport types', () => {
  it('infers the data of the 2xx answer', () => {
    expectTypeOf(transport.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).resolves.toEqualTypeOf<Widget>();
    expectTypeOf(transport.request('post', '/widgets', { body: { name: 'gear' } })).resolves.toEqualTypeOf<Widget>();
    expectTypeOf(transport.paginate('get', '/widgets', { params: { query: { limit: 2 } } })).toEqualTypeOf<
      PagePromise<{ widgets: Widget[]; total: number }, Widget>
    >();
  });

  it('returns an APIPromise: awaited it is the data, withResponse adds the response and request id', async () => {
    const pending = transport.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } });
    expectTypeOf(pending).toEqualTypeOf<APIPromise<Widget>>();
    expectTypeOf(pending).toMatchTypeOf<Promise<Widget>>();
    expectTypeOf(await pending).toEqualTypeOf<Widget>();
    expectTypeOf(pending.withResponse()).resolves.toEqualTypeOf<{ data: Widget; response: Response; requestId: string | undefined }>();
    expectTypeOf(pending.asResponse()).resolves.toEqualTypeOf<Response>();
    expectTypeOf(pending.map((widget) => widget.name)).toEqualTypeOf<APIPromise<string>>();
    const list = transport.paginate('get', '/widgets', {});
    expectTypeOf(list.withResponse()).resolves.toEqualTypeOf<WithResponse<{ widgets: Widget[]; total: number }>>();
  });

  it('pages only through withPagination, so a bundle that never pages does not carry the pager', () => {
    const bare = createTransport<paths>({ definition: widgets, baseURL: 'https://widgets.test' });
    // @ts-expect-error paginate comes with withPagination
    bare.paginate('get', '/widgets', {});
  });

  it('takes fetchOptions on the client and per call', () => {
    createTransport<paths>({ definition: widgets, baseURL: 'https://widgets.test', fetchOptions: { dispatcher: {}, cache: 'no-store' } });
    transport.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }, { fetchOptions: { keepalive: true } });
    // @ts-expect-error cache is a RequestCache
    transport.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }, { fetchOptions: { cache: 'sometimes' } });
  });

  it('refuses what the spec does not allow', () => {
    // @ts-expect-error no such path
    transport.request('get', '/gadgets', {});
    // @ts-expect-error no PUT on /widgets
    transport.request('put', '/widgets', {});
    // @ts-expect-error the path parameter is required
    transport.request('get', '/widgets/{id}', { params: { path: {} } });
    // @ts-expect-error limit is a number
    transport.request('get', '/widgets', { params: { query: { limit: '2' } } });
    // @ts-expect-error name is required in the body
    transport.request('post', '/widgets', { body: { size: 1 } });
  });
});
