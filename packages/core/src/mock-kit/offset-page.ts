import type { ValidationProblem } from './fastapi-errors.js';

/** Options of {@link readOffsetPage}. */
export interface OffsetPageOptions {
  /** @default 20 */
  defaultLimit?: number;
  /** @default 1 */
  minLimit?: number;
  /** @default no maximum */
  maxLimit?: number;
  /** @default 'limit' */
  limitParam?: string;
  /** @default 'offset' */
  offsetParam?: string;
}

/** A page window: skip `offset` items, return at most `limit`. */
export interface OffsetPage {
  limit: number;
  offset: number;
}

/**
 * Read `limit` and `offset` from a query, or the problem FastAPI (pydantic 2) would report for
 * them, at `['query', name]` with pydantic's words and type; answer it with `validationError([problem])`,
 * or with the service's own error.
 */
export function readOffsetPage(query: URLSearchParams, options: OffsetPageOptions = {}): OffsetPage | { problem: ValidationProblem } {
  const { defaultLimit = 20, minLimit = 1, maxLimit, limitParam = 'limit', offsetParam = 'offset' } = options;
  const limit = readInteger(query, limitParam, defaultLimit, minLimit, maxLimit);
  if (typeof limit !== 'number') return limit;
  const offset = readInteger(query, offsetParam, 0, 0, undefined);
  if (typeof offset !== 'number') return offset;
  return { limit, offset };
}

/** The items of `items` in a page window. */
export function pageOf<Item>(items: readonly Item[], page: OffsetPage): Item[] {
  return items.slice(page.offset, page.offset + page.limit);
}

function readInteger(query: URLSearchParams, name: string, fallback: number, min: number, max: number | undefined) {
  const text = query.get(name);
  const value = text === null ? fallback : Number(text);
  const problem = (msg: string, type: string, ctx?: Record<string, number>): { problem: ValidationProblem } => ({
    problem: { loc: ['query', name], msg, type, input: text, ...(ctx ? { ctx } : {}) },
  });
  if (text !== null && (text.trim() === '' || !Number.isInteger(value))) {
    return problem('Input should be a valid integer, unable to parse string as an integer', 'int_parsing');
  }
  // pydantic 2 names the bound it checked in `ctx`, as FastAPI sends it.
  if (value < min) return problem(`Input should be greater than or equal to ${min}`, 'greater_than_equal', { ge: min });
  if (max !== undefined && value > max) return problem(`Input should be less than or equal to ${max}`, 'less_than_equal', { le: max });
  return value;
}
