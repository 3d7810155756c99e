import { http } from 'msw';
import type { RequestIds } from './request-ids.js';

type Http = typeof http;
type Method = keyof Http;
type Resolver = (info: never) => unknown;

/**
 * msw's `http` namespace (`get`, `post`, `all`, ...) whose handlers stamp every Response they
 * return with an `x-request-id` from `requestIds`. A resolver that returns nothing (to let the next
 * handler answer) takes no id; a generator resolver is passed through unstamped.
 */
export function mockHttp(requestIds: RequestIds): Http {
  const stamped =
    (resolver: Resolver) =>
    async (info: never): Promise<unknown> => {
      const result = await resolver(info);
      return result instanceof Response ? requestIds.stamp(result) : result;
    };
  // msw's handler factories are generic in params and bodies; the wrapper changes neither.
  const wrap = (method: Method): Http[Method] => {
    const factory = http[method] as (predicate: unknown, resolver: unknown, options?: unknown) => ReturnType<Http[Method]>;
    return ((predicate: unknown, resolver: Resolver, options?: unknown) => factory(predicate, stamped(resolver), options)) as Http[Method];
  };
  return {
    all: wrap('all'),
    head: wrap('head'),
    get: wrap('get'),
    post: wrap('post'),
    put: wrap('put'),
    delete: wrap('delete'),
    patch: wrap('patch'),
    options: wrap('options'),
  };
}
