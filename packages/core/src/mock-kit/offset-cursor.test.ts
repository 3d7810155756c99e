import { describe, expect, it } from 'vitest';
import { cursorPage, decodeOffsetCursor, encodeOffsetCursor } from './offset-cursor.js';

const items = Array.from({ length: 5 }, (_, index) => index);

describe('offset cursors', () => {
  it('round-trips an offset through an opaque cursor', () => {
    expect(encodeOffsetCursor(40)).toBe(btoa('offset:40'));
    expect(decodeOffsetCursor(encodeOffsetCursor(40))).toBe(40);
  });

  it('refuses cursors it did not make', () => {
    expect(decodeOffsetCursor('%%%')).toBeUndefined();
    expect(decodeOffsetCursor(btoa('offset:-1'))).toBeUndefined();
    expect(decodeOffsetCursor(btoa('page:2'))).toBeUndefined();
    expect(decodeOffsetCursor(btoa('offset:1e3'))).toBeUndefined();
  });

  it('pages through a list to the end', () => {
    const first = cursorPage(items, null, 2);
    expect(first).toEqual({ items: [0, 1], nextCursor: encodeOffsetCursor(2) });
    const second = cursorPage(items, first?.nextCursor ?? null, 2);
    const last = cursorPage(items, second?.nextCursor ?? null, 2);
    expect(last).toEqual({ items: [4], nextCursor: null });
    expect(cursorPage(items, '', 10)).toEqual({ items, nextCursor: null });
  });

  it('gives undefined for a bad cursor or limit, for the mock to answer with its own error', () => {
    expect(cursorPage(items, 'not-a-cursor', 2)).toBeUndefined();
    expect(cursorPage(items, null, 0)).toBeUndefined();
    expect(cursorPage(items, null, 1.5)).toBeUndefined();
  });
});
