import type { HttpMethod, PathsWithMethod } from 'openapi-typescript-helpers';
import { type PageOptions, PagePromise } from './page-promise.js';
import { paginationStrategy } from './pagination-strategy.js';
import type { RequestOptions } from './request-options.js';
import type { OperationDefinition } from './service-definition.js';
import type { OperationInit, PageItem, ResponseData, Transport } from './transport.js';

/** A {@link Transport} that also walks paged list operations (see {@link withPagination}). */
export interface PagedTransport<Paths extends {}> extends Transport<Paths> {
  /**
   * Call a paged list operation; iterate the result with `for await` to walk every page. `operation`
   * is its table entry when the transport's definition leaves its operations out (as in `request`).
   */
  paginate<Method extends HttpMethod, Path extends PathsWithMethod<Paths, Method>>(
    method: Method,
    path: Path,
    init: OperationInit<Paths, Path, Method>,
    options?: RequestOptions & PageOptions,
    operation?: OperationDefinition,
  ): PagePromise<ResponseData<Paths, Path, Method>, PageItem<ResponseData<Paths, Path, Method>>>;
}

/**
 * `transport` with `paginate`, for the clients that have paged lists: the pager is a separate
 * import, so a bundle that never pages does not carry it.
 */
export function withPagination<Paths extends {}>(transport: Transport<Paths>): PagedTransport<Paths> {
  return {
    ...transport,
    paginate(method, path, init, pageOptions = {}, operation) {
      const entry = operation ?? transport.operation(method, path as string);
      if (!entry?.pagination)
        throw new TypeError(`${method.toUpperCase()} ${path as string} is not a paginated operation in the ${transport.serviceName} spec.`);
      const { maxItems, maxPages, ...requestOptions } = pageOptions;
      const base = (init ?? {}) as { params?: Record<string, unknown> };
      const fetchPage = (query: Record<string, unknown>, signal?: AbortSignal) =>
        transport.request(method, path, { ...base, params: { ...base.params, query } } as never, { ...requestOptions, signal }, operation);
      return new PagePromise(fetchPage, (base.params?.query ?? {}) as Record<string, unknown>, paginationStrategy(entry.pagination), {
        maxItems,
        maxPages,
        signal: requestOptions.signal,
      }) as never;
    },
  };
}
