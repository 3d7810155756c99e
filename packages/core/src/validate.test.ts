import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './service-definition.js';
import { validate } from './validate.js';

const schemas: Record<string, JsonSchema> = {
  Node: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
  },
  Status: { type: 'string', enum: ['queued', 'done'] },
};

describe('validate', () => {
  it.each<[string, JsonSchema, unknown, string | undefined]>([
    ['integer ok', { type: 'integer' }, 3, undefined],
    ['integer rejects a float', { type: 'integer' }, 3.5, '$: expected integer, got number 3.5'],
    ['number rejects NaN', { type: 'number' }, Number.NaN, '$: expected number, got number NaN'],
    ['nullable', { type: ['string', 'null'] }, null, undefined],
    ['enum', { $ref: '#/components/schemas/Status' }, 'lost', '$: expected one of "queued", "done", got "lost"'],
    ['const', { const: 'pending' }, 'done', '$: expected "pending"'],
    ['minimum', { type: 'integer', minimum: 1 }, 0, '$: must be >= 1, got 0'],
    ['exclusiveMinimum', { type: 'number', exclusiveMinimum: 0 }, 0, '$: must be > 0, got 0'],
    ['maxLength counts characters', { type: 'string', maxLength: 2 }, 'ññ', undefined],
    ['pattern', { type: 'string', pattern: '^tinker://' }, 'http://x', '$: must match /^tinker:///'],
    ['required', { type: 'object', required: ['id'] }, {}, '$.id: is required'],
    [
      'recursive ref',
      { $ref: '#/components/schemas/Node' },
      { name: 'a', children: [{ name: 'b', children: [{}] }] },
      '$.children[0].children[0].name: is required',
    ],
    [
      'additionalProperties schema',
      { type: 'object', additionalProperties: { type: 'number' } },
      { a: 1, b: 'x' },
      '$.b: expected number, got string "x"',
    ],
    [
      'prefixItems',
      { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] },
      ['a', 'b'],
      '$[1]: expected integer, got string "b"',
    ],
    ['uniqueItems', { type: 'array', uniqueItems: true }, [1, 1], '$: items must be unique'],
    ['anyOf picks the deepest issue', { anyOf: [{ type: 'string' }, { type: 'object', required: ['x'] }] }, {}, '$.x: is required'],
    ['oneOf as anyOf', { oneOf: [{ type: 'string' }, { type: 'integer' }] }, 2, undefined],
    [
      'allOf',
      {
        allOf: [
          { type: 'object', required: ['a'] },
          { type: 'object', required: ['b'] },
        ],
      },
      { a: 1 },
      '$.b: is required',
    ],
    ['not', { not: { type: 'null' } }, null, '$: matches a forbidden schema'],
    ['unknown ref', { $ref: '#/components/schemas/Nope' }, 1, '$: unknown schema #/components/schemas/Nope'],
  ])('%s', (_, schema, value, expected) => {
    const issue = validate(schema, value, schemas);
    expect(issue && `${issue.path}: ${issue.reason}`).toBe(expected);
  });

  it('tolerates unknown fields in responses but rejects them when asked', () => {
    const schema: JsonSchema = { type: 'object', additionalProperties: false, properties: { a: { type: 'number' } } };
    expect(validate(schema, { a: 1, b: 2 }, schemas)).toBeUndefined();
    expect(validate(schema, { a: 1, b: 2 }, schemas, { rejectAdditional: true })).toEqual({ path: '$.b', reason: 'is not allowed' });
  });

  it('with `json`, checks a value as JSON.stringify sends it', () => {
    const metadata: JsonSchema = { type: 'object', properties: { at: { type: 'string' } } };
    // A Date is an object to JavaScript but a string on the wire.
    expect(validate(metadata, new Date(0), schemas)).toBeUndefined();
    expect(validate(metadata, new Date(0), schemas, { json: true })).toEqual({
      path: '$',
      reason: 'expected object, got string "1970-01-01T00:00:00.000Z"',
    });
    expect(validate(metadata, { at: new Date(0) }, schemas, { json: true })).toBeUndefined();
    const custom = { toJSON: () => ({ at: 5 }) };
    expect(validate(metadata, custom, schemas, { json: true })).toEqual({ path: '$.at', reason: 'expected string, got number 5' });
  });
});
