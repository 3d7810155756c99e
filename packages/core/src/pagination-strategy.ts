import type { PaginationDefinition } from './service-definition.js';
import { TrainwireError } from './trainwire-error.js';

/** How to find a page's items and the query for the page after it. */
export interface PaginationStrategy<Page, Item, Query> {
  items(page: Page): Item[];
  /** The query for the next page, or null when this was the last one. */
  next(page: Page, query: Query): Query | null;
}

type Query = Record<string, unknown>;

/** The strategy that walks the pages an `x-pagination` definition describes. */
export function paginationStrategy(definition: PaginationDefinition): PaginationStrategy<unknown, unknown, Query> {
  const items = (page: unknown): unknown[] => {
    const value = valueAt(page, definition.items);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new TrainwireError(`Expected an array of items at '${definition.items}' in the page.`);
    return value;
  };
  return { items, next: nextQuery(definition, items) };
}

function nextQuery(definition: PaginationDefinition, items: (page: unknown) => unknown[]) {
  return (page: unknown, query: Query): Query | null => {
    const count = items(page).length;
    if (count === 0) return null;
    switch (definition.style) {
      case 'offset': {
        const { offsetParam, limitParam } = definition;
        const limit = numberFrom(query[limitParam]);
        if (limit !== undefined && count < limit) return null;
        const offset = (numberFrom(query[offsetParam]) ?? 0) + count;
        const total = definition.total === null ? undefined : numberFrom(valueAt(page, definition.total));
        if (total !== undefined && offset >= total) return null;
        return { ...query, [offsetParam]: offset };
      }
      case 'page': {
        const { pageParam } = definition;
        if (definition.hasNext !== null && valueAt(page, definition.hasNext) === false) return null;
        return { ...query, [pageParam]: (numberFrom(query[pageParam]) ?? 1) + 1 };
      }
      case 'cursor': {
        const { cursorParam, nextCursor } = definition;
        const cursor = valueAt(page, nextCursor);
        if (cursor === undefined || cursor === null || cursor === '') return null;
        return { ...query, [cursorParam]: cursor };
      }
      default:
        return null;
    }
  };
}

/** The value at a dotted `path` in `value`; `'.'` is `value` itself. */
function valueAt(value: unknown, path: string): unknown {
  if (path === '.' || path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function numberFrom(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
