import { describe, expect, it } from 'vitest';
import { parsePagination } from './pagination-extension.js';

const query = new Set(['offset', 'limit', 'page', 'per_page', 'cursor']);

describe('parsePagination', () => {
  it('fills in the defaults of each style', () => {
    expect(parsePagination({ style: 'offset', items: '.' }, query).value).toEqual({
      style: 'offset',
      items: '.',
      offsetParam: 'offset',
      limitParam: 'limit',
      total: null,
    });
    expect(parsePagination({ style: 'page', items: 'data' }, query).value).toEqual({
      style: 'page',
      items: 'data',
      pageParam: 'page',
      perPageParam: 'per_page',
      hasNext: null,
    });
  });

  it('reports an unknown style at the style value', () => {
    expect(parsePagination({ style: 'links', items: 'x' }, query)).toEqual({
      value: null,
      issues: [{ at: ['style'], message: "style must be one of offset, page, cursor, none (got 'links')" }],
    });
  });

  it('reports a parameter the operation does not declare, at the key that names it', () => {
    const parsed = parsePagination({ style: 'offset', items: 'x', limitParam: 'size' }, new Set(['offset']));
    expect(parsed.issues).toEqual([
      { at: ['limitParam'], onKey: false, message: "limitParam 'size' is not a query parameter of this operation" },
    ]);
  });

  it('reports a defaulted parameter that is not declared at the extension itself', () => {
    const parsed = parsePagination({ style: 'offset', items: 'x' }, new Set(['limit']));
    expect(parsed.issues).toEqual([{ at: [], onKey: true, message: "offsetParam 'offset' is not a query parameter of this operation" }]);
  });

  it('rejects two roles for one parameter', () => {
    const parsed = parsePagination({ style: 'page', items: 'x', perPageParam: 'page' }, query);
    expect(parsed.issues).toEqual([
      { at: ['perPageParam'], onKey: false, message: "perPageParam and pageParam must name different parameters (both 'page')" },
    ]);
  });

  it('skips the parameter check when the parameters are unknown', () => {
    expect(parsePagination({ style: 'offset', items: 'x' }, null).issues).toEqual([]);
  });

  it('requires items, and both cursor fields', () => {
    const messages = parsePagination({ style: 'cursor' }, query).issues.map(({ message }) => message);
    expect(messages).toEqual(['items is required', 'cursorParam is required', 'nextCursor is required']);
  });

  it('rejects keys of another style and malformed paths', () => {
    const parsed = parsePagination({ style: 'offset', items: 'a..b', pageParam: 'page', total: '.' }, query);
    expect(parsed.issues.map(({ at, message }) => [at, message])).toEqual([
      [['pageParam'], "unknown key 'pageParam' for style 'offset' (allowed: style, items, offsetParam, limitParam, total)"],
      [['items'], "items must be a dotted path like 'data.items', or '.' (got 'a..b')"],
      [['total'], "total must be a dotted path like 'meta.total' (got '.')"],
    ]);
  });

  it('rejects a value that is not an object', () => {
    expect(parsePagination('offset', query).issues).toEqual([{ at: [], message: "must be an object (got 'offset')" }]);
  });
});
