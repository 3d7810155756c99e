import { describe, expect, it } from 'vitest';
import { APIUserAbortError } from './errors.js';
import { type PageOptions, PagePromise } from './page-promise.js';
import { type PaginationStrategy, paginationStrategy } from './pagination-strategy.js';

type Query = Record<string, unknown>;

/** A fake list endpoint over `ids` that records every query it is asked for. */
function endpoint(respond: (query: Query, ids: string[]) => unknown, ids = ['a', 'b', 'c', 'd', 'e']) {
  const queries: Query[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const fetchPage = async (query: Query, signal?: AbortSignal) => {
    queries.push({ ...query });
    signals.push(signal);
    return respond(query, ids);
  };
  return { fetchPage, queries, signals };
}

const offsetEndpoint = (ids?: string[]) =>
  endpoint((query, all) => {
    const offset = Number(query.offset ?? 0);
    const limit = Number(query.limit ?? 100);
    return { training_runs: all.slice(offset, offset + limit), cursor: { offset, limit, total_count: all.length } };
  }, ids);

const pageEndpoint = () =>
  endpoint((query, all) => {
    const page = Number(query.page ?? 1);
    const perPage = Number(query.per_page ?? 100);
    return { items: all.slice((page - 1) * perPage, page * perPage), has_next: page * perPage < all.length };
  });

const cursorEndpoint = () =>
  endpoint((query, all) => {
    const start = query.cursor === undefined ? 0 : Number(String(query.cursor).slice(1));
    const end = start + 2;
    return { folders: all.slice(start, end), next_cursor: end < all.length ? `c${end}` : null };
  });

const offset = paginationStrategy({
  style: 'offset',
  items: 'training_runs',
  offsetParam: 'offset',
  limitParam: 'limit',
  total: 'cursor.total_count',
});

function list(fake: ReturnType<typeof endpoint>, query: Query, options?: PageOptions) {
  return new PagePromise(fake.fetchPage, query, offset, options) as PagePromise<unknown, string>;
}

describe('PagePromise over each x-pagination style', () => {
  it('offset/limit with a total: stops once the total is reached', async () => {
    const fake = offsetEndpoint();
    expect(await list(fake, { limit: 2 }).toArray()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.queries).toEqual([{ limit: 2 }, { limit: 2, offset: 2 }, { limit: 2, offset: 4 }]);
  });

  it('offset without a total: stops on a short page', async () => {
    const fake = offsetEndpoint(['a', 'b', 'c', 'd']);
    const strategy = paginationStrategy({
      style: 'offset',
      items: 'training_runs',
      offsetParam: 'offset',
      limitParam: 'limit',
      total: null,
    });
    expect(await new PagePromise(fake.fetchPage, { limit: 3 }, strategy).toArray()).toEqual(['a', 'b', 'c', 'd']);
    expect(fake.queries).toEqual([{ limit: 3 }, { limit: 3, offset: 3 }]);
  });

  it('offset without a limit: stops on the empty page', async () => {
    const fake = offsetEndpoint(['a', 'b']);
    const strategy = paginationStrategy({
      style: 'offset',
      items: 'training_runs',
      offsetParam: 'offset',
      limitParam: 'limit',
      total: null,
    });
    expect(await new PagePromise(fake.fetchPage, {}, strategy).toArray()).toEqual(['a', 'b']);
    expect(fake.queries).toEqual([{}, { offset: 2 }]);
  });

  it('page/per_page with has_next', async () => {
    const fake = pageEndpoint();
    const strategy = paginationStrategy({
      style: 'page',
      items: 'items',
      pageParam: 'page',
      perPageParam: 'per_page',
      hasNext: 'has_next',
    });
    expect(await new PagePromise(fake.fetchPage, { per_page: 2 }, strategy).toArray()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.queries).toEqual([{ per_page: 2 }, { per_page: 2, page: 2 }, { per_page: 2, page: 3 }]);
  });

  it('cursor with next_cursor', async () => {
    const fake = cursorEndpoint();
    const strategy = paginationStrategy({ style: 'cursor', items: 'folders', cursorParam: 'cursor', nextCursor: 'next_cursor' });
    expect(await new PagePromise(fake.fetchPage, {}, strategy).toArray()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.queries).toEqual([{}, { cursor: 'c2' }, { cursor: 'c4' }]);
  });

  it('a bare array with style none: one request', async () => {
    const fake = endpoint((_query, all) => all);
    const strategy = paginationStrategy({ style: 'none', items: '.' });
    expect(await new PagePromise(fake.fetchPage, { q: 1 }, strategy).toArray()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.queries).toEqual([{ q: 1 }]);
  });
});

describe('PagePromise laziness and sharing', () => {
  it('sends nothing until awaited or iterated', async () => {
    const fake = offsetEndpoint();
    list(fake, { limit: 2 });
    await Promise.resolve();
    expect(fake.queries).toEqual([]);
  });

  it('resolves to the first page, fetched once for await and for-await together', async () => {
    const fake = offsetEndpoint();
    const pages = list(fake, { limit: 2 });
    expect(await pages).toEqual({ training_runs: ['a', 'b'], cursor: { offset: 0, limit: 2, total_count: 5 } });
    expect(await pages.firstPage()).toBe(await pages);
    const items: string[] = [];
    for await (const item of pages) items.push(item);
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.queries).toEqual([{ limit: 2 }, { limit: 2, offset: 2 }, { limit: 2, offset: 4 }]);
  });

  it('makes no further request after a break on the first item', async () => {
    const fake = offsetEndpoint();
    for await (const item of list(fake, { limit: 2 })) {
      expect(item).toBe('a');
      break;
    }
    expect(fake.queries).toEqual([{ limit: 2 }]);
  });

  it('yields whole pages from pages()', async () => {
    const fake = offsetEndpoint();
    const pages: unknown[] = [];
    for await (const page of list(fake, { limit: 2 }).pages()) pages.push((page as { training_runs: string[] }).training_runs);
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('rejects await and iteration alike when the first page fails', async () => {
    const error = new Error('503');
    const pages = new PagePromise(() => Promise.reject(error), {}, offset);
    await expect(pages).rejects.toBe(error);
    await expect(pages.toArray()).rejects.toBe(error);
  });
});

describe('PagePromise limits', () => {
  it('maxItems stops yielding and fetching once reached, across pages', async () => {
    const fake = offsetEndpoint();
    expect(await list(fake, { limit: 2 }, { maxItems: 3 }).toArray()).toEqual(['a', 'b', 'c']);
    expect(fake.queries).toEqual([{ limit: 2 }, { limit: 2, offset: 2 }]);
  });

  it('maxItems at a page boundary fetches no further page', async () => {
    const fake = offsetEndpoint();
    expect(await list(fake, { limit: 2 }, { maxItems: 2 }).toArray()).toEqual(['a', 'b']);
    expect(fake.queries).toEqual([{ limit: 2 }]);
  });

  it('maxItems also bounds pages()', async () => {
    const fake = offsetEndpoint();
    let count = 0;
    for await (const _page of list(fake, { limit: 2 }, { maxItems: 3 }).pages()) count++;
    expect(count).toBe(2);
    expect(fake.queries).toHaveLength(2);
  });

  it('maxPages stops after that many pages', async () => {
    const fake = offsetEndpoint();
    expect(await list(fake, { limit: 2 }, { maxPages: 2 }).toArray()).toEqual(['a', 'b', 'c', 'd']);
    expect(fake.queries).toEqual([{ limit: 2 }, { limit: 2, offset: 2 }]);
  });

  it('rejects with APIUserAbortError when the signal aborts between pages, without another request', async () => {
    const fake = offsetEndpoint();
    const controller = new AbortController();
    const items: string[] = [];
    const iterate = async () => {
      for await (const item of list(fake, { limit: 2 }, { signal: controller.signal })) {
        items.push(item);
        if (item === 'b') controller.abort('enough');
      }
    };
    const error = await iterate().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as Error).cause).toBe('enough');
    expect(items).toEqual(['a', 'b']);
    expect(fake.queries).toEqual([{ limit: 2 }]);
    expect(fake.signals).toEqual([controller.signal]);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const fake = offsetEndpoint();
    await expect(list(fake, {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(fake.queries).toEqual([]);
  });

  it('turns a fetch that fails because of the abort into APIUserAbortError', async () => {
    const controller = new AbortController();
    const fetchPage = () => {
      controller.abort();
      return Promise.reject(new DOMException('This operation was aborted', 'AbortError'));
    };
    await expect(new PagePromise(fetchPage, {}, offset, { signal: controller.signal })).rejects.toBeInstanceOf(APIUserAbortError);
  });
});

describe('PagePromise repeated-query guard', () => {
  it('stops when the server hands back the cursor it was just given', async () => {
    const fake = endpoint(() => ({ folders: ['x'], next_cursor: 'same' }));
    const strategy = paginationStrategy({ style: 'cursor', items: 'folders', cursorParam: 'cursor', nextCursor: 'next_cursor' });
    // maxPages only keeps a broken guard from hanging the test.
    expect(await new PagePromise(fake.fetchPage, {}, strategy, { maxPages: 10 }).toArray()).toEqual(['x', 'x']);
    expect(fake.queries).toEqual([{}, { cursor: 'same' }]);
  });

  it('stops when a strategy returns an earlier query, whatever its key order', async () => {
    const fake = endpoint(() => [1]);
    const cycling: PaginationStrategy<unknown, unknown, Query> = {
      items: (page) => page as unknown[],
      next: (_page, query) => (query.page === 2 ? { b: 1, a: 1 } : { a: 1, b: 1, page: 2 }),
    };
    expect(await new PagePromise(fake.fetchPage, { a: 1, b: 1 }, cycling, { maxPages: 10 }).toArray()).toEqual([1, 1]);
    expect(fake.queries).toEqual([
      { a: 1, b: 1 },
      { a: 1, b: 1, page: 2 },
    ]);
  });
});
