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
    const value = valueAt(page, definition.items) ?? [];
    if (!Array.isArray(value)) throw new TrainwireError(`Expected an array of items at '${definition.items}' in the page.`);
    return value;
  };
  const next = (page: unknown, query: Query): Query | null => {
    const count = items(page).length;
    if (count === 0) return null;
    if (definition.style === 'offset') {
      const { offsetParam, limitParam, total } = definition;
      const offset = (numberFrom(query[offsetParam]) ?? 0) + count;
      // A short page is the last one; so is the page that reaches the total.
      if (
        count < (numberFrom(query[limitParam]) ?? count) ||
        offset >= (numberFrom(total === null ? total : valueAt(page, total)) ?? offset + 1)
      )
        return null;
      return { ...query, [offsetParam]: offset };
    }
    if (definition.style === 'page') {
      const { pageParam, hasNext } = definition;
      if (hasNext !== null && valueAt(page, hasNext) === false) return null;
      return { ...query, [pageParam]: (numberFrom(query[pageParam]) ?? 1) + 1 };
    }
    if (definition.style === 'cursor') {
      const cursor = valueAt(page, definition.nextCursor);
      return cursor === undefined || cursor === null || cursor === '' ? null : { ...query, [definition.cursorParam]: cursor };
    }
    return null;
  };
  return { items, next };
}

/** The value at a dotted `path` in `value`; `'.'` is `value` itself. */
function valueAt(value: unknown, path: string): unknown {
  if (path === '.' || path === '') return value;
  let current = value;
  for (const key of path.split('.')) current = current !== null && typeof current === 'object' ? (current as Query)[key] : undefined;
  return current;
}

function numberFrom(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
