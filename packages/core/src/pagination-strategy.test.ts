import { describe, expect, it } from 'vitest';
import { paginationStrategy } from './pagination-strategy.js';
import type { PaginationDefinition } from './service-definition.js';
import { TrainwireError } from './trainwire-error.js';

describe('paginationStrategy items', () => {
  it('reads a dotted path, or the body itself for "."', () => {
    expect(paginationStrategy({ style: 'none', items: 'data.runs' }).items({ data: { runs: [1, 2] } })).toEqual([1, 2]);
    expect(paginationStrategy({ style: 'none', items: '.' }).items(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('treats a missing or null list as an empty page', () => {
    const strategy = paginationStrategy({ style: 'none', items: 'data.runs' });
    expect(strategy.items({})).toEqual([]);
    expect(strategy.items({ data: { runs: null } })).toEqual([]);
  });

  it('throws when the path holds something other than an array', () => {
    const strategy = paginationStrategy({ style: 'none', items: 'runs' });
    expect(() => strategy.items({ runs: { id: 1 } })).toThrow(TrainwireError);
    expect(() => strategy.items({ runs: { id: 1 } })).toThrow("Expected an array of items at 'runs' in the page.");
  });
});

describe('paginationStrategy offset', () => {
  const definition: PaginationDefinition = {
    style: 'offset',
    items: 'training_runs',
    offsetParam: 'offset',
    limitParam: 'limit',
    total: 'cursor.total_count',
  };
  const strategy = paginationStrategy(definition);
  const page = (count: number, total?: number) => ({
    training_runs: Array.from({ length: count }, (_, index) => index),
    cursor: { total_count: total },
  });

  it('moves the offset on by the number of items, keeping the other params', () => {
    expect(strategy.next(page(2, 10), { limit: 2, name: 'x' })).toEqual({ limit: 2, name: 'x', offset: 2 });
    expect(strategy.next(page(2, 10), { limit: 2, offset: 4 })).toEqual({ limit: 2, offset: 6 });
    expect(strategy.next(page(2, 10), { limit: '2', offset: '4' })).toEqual({ limit: '2', offset: 6 });
  });

  it('stops on an empty page, a short page, or once the total is reached', () => {
    expect(strategy.next(page(0, 10), { limit: 2 })).toBeNull();
    expect(strategy.next(page(1, 10), { limit: 2 })).toBeNull();
    expect(strategy.next(page(2, 4), { limit: 2, offset: 2 })).toBeNull();
  });

  it('goes on without a limit or a total until a page is empty', () => {
    const bare = paginationStrategy({ style: 'offset', items: '.', offsetParam: 'offset', limitParam: 'limit', total: null });
    expect(bare.next([1, 2, 3], {})).toEqual({ offset: 3 });
    expect(bare.next([], { offset: 3 })).toBeNull();
  });

  it('uses the parameter names of the definition', () => {
    const custom = paginationStrategy({ style: 'offset', items: '.', offsetParam: 'skip', limitParam: 'take', total: null });
    expect(custom.next([1, 2], { take: 2, skip: 2 })).toEqual({ take: 2, skip: 4 });
    expect(custom.next([1], { take: 2, skip: 4 })).toBeNull();
  });
});

describe('paginationStrategy page', () => {
  const strategy = paginationStrategy({ style: 'page', items: 'items', pageParam: 'page', perPageParam: 'per_page', hasNext: 'has_next' });

  it('asks for page 2 after an implicit page 1, then counts up', () => {
    expect(strategy.next({ items: [1], has_next: true }, { per_page: 1 })).toEqual({ per_page: 1, page: 2 });
    expect(strategy.next({ items: [1], has_next: true }, { per_page: 1, page: 2 })).toEqual({ per_page: 1, page: 3 });
  });

  it('stops when hasNext is false or the page is empty', () => {
    expect(strategy.next({ items: [1], has_next: false }, { page: 2 })).toBeNull();
    expect(strategy.next({ items: [], has_next: true }, { page: 2 })).toBeNull();
  });
});

describe('paginationStrategy cursor', () => {
  const strategy = paginationStrategy({ style: 'cursor', items: 'folders', cursorParam: 'cursor', nextCursor: 'next_cursor' });

  it('sends the next cursor as the cursor parameter', () => {
    expect(strategy.next({ folders: [1], next_cursor: 'c2' }, { limit: 5 })).toEqual({ limit: 5, cursor: 'c2' });
  });

  it('stops when the next cursor is null, absent or empty, or the page is empty', () => {
    expect(strategy.next({ folders: [1], next_cursor: null }, {})).toBeNull();
    expect(strategy.next({ folders: [1] }, {})).toBeNull();
    expect(strategy.next({ folders: [1], next_cursor: '' }, {})).toBeNull();
    expect(strategy.next({ folders: [], next_cursor: 'c2' }, {})).toBeNull();
  });

  it('reads a nested cursor path into a custom parameter', () => {
    const custom = paginationStrategy({ style: 'cursor', items: 'data', cursorParam: 'after', nextCursor: 'meta.next' });
    expect(custom.next({ data: [1], meta: { next: 'n1' } }, {})).toEqual({ after: 'n1' });
  });
});

describe('paginationStrategy none', () => {
  it('has no next page', () => {
    expect(paginationStrategy({ style: 'none', items: '.' }).next([1, 2], {})).toBeNull();
  });
});
