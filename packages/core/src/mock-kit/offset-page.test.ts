import { describe, expect, it } from 'vitest';
import { pageOf, readOffsetPage } from './offset-page.js';

const query = (text: string) => new URLSearchParams(text);

describe('readOffsetPage', () => {
  it('reads limit and offset, with defaults', () => {
    expect(readOffsetPage(query(''))).toEqual({ limit: 20, offset: 0 });
    expect(readOffsetPage(query('limit=5&offset=10'), { maxLimit: 100 })).toEqual({ limit: 5, offset: 10 });
    expect(readOffsetPage(query('size=7&skip=2'), { limitParam: 'size', offsetParam: 'skip', defaultLimit: 50 })).toEqual({
      limit: 7,
      offset: 2,
    });
  });

  it("reports a bad value with pydantic's words, type and location", () => {
    expect(readOffsetPage(query('limit=500'), { maxLimit: 100 })).toEqual({
      problem: {
        loc: ['query', 'limit'],
        msg: 'Input should be less than or equal to 100',
        type: 'less_than_equal',
        input: '500',
        ctx: { le: 100 },
      },
    });
    expect(readOffsetPage(query('limit=0'))).toMatchObject({
      problem: { msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal', ctx: { ge: 1 } },
    });
    expect(readOffsetPage(query('limit=ten'))).toMatchObject({ problem: { loc: ['query', 'limit'], type: 'int_parsing' } });
    expect(readOffsetPage(query('limit=2.5'))).toMatchObject({ problem: { type: 'int_parsing' } });
    expect(readOffsetPage(query('limit='))).toMatchObject({ problem: { type: 'int_parsing' } });
    expect(readOffsetPage(query('offset=-1'))).toMatchObject({ problem: { loc: ['query', 'offset'], type: 'greater_than_equal' } });
  });

  it('slices a page window', () => {
    expect(pageOf([1, 2, 3, 4, 5], { limit: 2, offset: 3 })).toEqual([4, 5]);
    expect(pageOf([1, 2], { limit: 2, offset: 5 })).toEqual([]);
  });
});
