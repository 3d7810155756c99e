import { describe, expectTypeOf, it } from 'vitest';
import type { PagePromise } from './page-promise.js';
import { type paths, type Widget, widgets } from './test-support/widgets.js';
import { createTransport } from './transport.js';

const transport = createTransport<paths>({ definition: widgets, baseURL: 'https://widgets.test' });

describe('Transport types', () => {
  it('infers the data of the 2xx answer', () => {
    expectTypeOf(transport.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).resolves.toEqualTypeOf<Widget>();
    expectTypeOf(transport.request('post', '/widgets', { body: { name: 'gear' } })).resolves.toEqualTypeOf<Widget>();
    expectTypeOf(transport.paginate('get', '/widgets', { params: { query: { limit: 2 } } })).toEqualTypeOf<
      PagePromise<{ widgets: Widget[]; total: number }, Widget>
    >();
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
