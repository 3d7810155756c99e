import { describe, expect, it } from 'vitest';
import { checkBodyPath } from './body-path.js';

const document = {
  components: {
    schemas: {
      Page: {
        allOf: [{ $ref: '#/components/schemas/Meta' }, { type: 'object', properties: { data: { type: 'array', items: {} } } }],
      },
      Meta: { type: 'object', properties: { meta: { type: 'object', properties: { total: { type: 'integer' } } } } },
    },
  },
};
const page = { $ref: '#/components/schemas/Page' };

describe('checkBodyPath', () => {
  it('follows references, allOf and nested properties', () => {
    expect(checkBodyPath(document, page, 'data', true)).toBe('found');
    expect(checkBodyPath(document, page, 'meta.total', false)).toBe('found');
  });

  it('reports a missing property and a property that is not an array', () => {
    expect(checkBodyPath(document, page, 'items', true)).toBe('missing');
    expect(checkBodyPath(document, page, 'meta.total', true)).toBe('not-array');
  });

  it('treats the body itself as "." and stays silent about open schemas', () => {
    expect(checkBodyPath(document, { type: 'array' }, '.', true)).toBe('found');
    expect(checkBodyPath(document, { type: 'object' }, 'anything', true)).toBe('unknown');
    expect(checkBodyPath(document, { properties: {}, additionalProperties: true }, 'x', false)).toBe('unknown');
  });
});
