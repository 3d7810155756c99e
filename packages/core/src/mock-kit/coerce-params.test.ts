import { describe, expect, it } from 'vitest';
import { coerceParams } from './coerce-params.js';

const schemas = { Level: { type: 'string', enum: ['low', 'high'] }, Ids: { type: 'array', items: { type: 'integer' } } } as const;
const schema = {
  type: 'object',
  properties: {
    limit: { type: 'integer' },
    ratio: { type: ['number', 'null'] },
    verbose: { type: 'boolean' },
    level: { $ref: '#/components/schemas/Level' },
    ids: { $ref: '#/components/schemas/Ids' },
    tags: { type: 'array', items: { type: 'string' } },
    either: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
  },
} as const;

describe('coerceParams', () => {
  it('turns text into the declared JSON types', () => {
    const values = new Map([
      ['limit', ['20']],
      ['ratio', ['null']],
      ['verbose', ['true']],
      ['level', ['high']],
      ['ids', ['1,2,3']],
      ['tags', ['a,b', 'c']],
      ['either', ['7']],
      ['other', ['x']],
    ]);
    expect(coerceParams(schema, values, schemas)).toEqual({
      limit: 20,
      ratio: null,
      verbose: true,
      level: 'high',
      ids: [1, 2, 3],
      tags: ['a,b', 'c'],
      either: 7,
      other: 'x',
    });
  });

  it('leaves text that is not of the declared type as text, for validate to name', () => {
    expect(
      coerceParams(
        schema,
        new Map([
          ['limit', ['ten']],
          ['verbose', ['yes']],
          ['tags', ['a,b']],
        ]),
        schemas,
      ),
    ).toEqual({
      limit: 'ten',
      verbose: 'yes',
      tags: ['a,b'],
    });
  });
});
