import { describe, expect, it } from 'vitest';
import { convertSchema } from './convert-schema.js';

describe('convertSchema', () => {
  it('keeps only validation keywords, in the documented order', () => {
    const schema = {
      $ref: '#/components/schemas/Base',
      format: 'uuid',
      description: 'dropped',
      example: 'dropped',
      readOnly: true,
      type: 'string',
      minLength: 1,
    };
    const converted = convertSchema(schema, {});
    expect(converted).toEqual({ type: 'string', minLength: 1, format: 'uuid', $ref: '#/components/schemas/Base' });
    expect(Object.keys(converted)).toEqual(['type', 'minLength', 'format', '$ref']);
  });

  it('turns 3.0 nullable into a null type, and adds null to an enum', () => {
    expect(convertSchema({ type: 'string', nullable: true, enum: ['a', 'b'] }, {})).toEqual({
      type: ['string', 'null'],
      enum: ['a', 'b', null],
    });
    expect(convertSchema({ type: ['integer', 'null'], nullable: true }, {})).toEqual({ type: ['integer', 'null'] });
  });

  it('wraps a nullable composition in anyOf, since allOf alone would still reject null', () => {
    const schema = { type: 'object', allOf: [{ $ref: '#/components/schemas/A' }], nullable: true };
    expect(convertSchema(schema, {})).toEqual({
      anyOf: [{ type: 'object', allOf: [{ $ref: '#/components/schemas/A' }] }, { type: 'null' }],
    });
  });

  it('turns 3.0 boolean exclusive bounds into numbers', () => {
    expect(convertSchema({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 }, {})).toEqual({
      type: 'number',
      maximum: 1,
      exclusiveMinimum: 0,
    });
    expect(convertSchema({ maximum: 9, exclusiveMaximum: false }, {})).toEqual({ maximum: 9 });
  });

  it('converts nested schemas and boolean schemas', () => {
    const schema = {
      type: 'array',
      prefixItems: [{ type: 'string', title: 'x' }],
      items: false,
      not: true,
    };
    expect(convertSchema(schema, {})).toEqual({
      type: 'array',
      items: { not: {} },
      prefixItems: [{ type: 'string' }],
      not: {},
    });
  });

  it('inlines a local reference that is not a component schema', () => {
    const document = { components: { schemas: { A: { properties: { b: { type: 'integer' } } } } } };
    expect(convertSchema({ $ref: '#/components/schemas/A/properties/b' }, document)).toEqual({ type: 'integer' });
  });

  it('refuses to inline a recursive non-component reference', () => {
    const document = { $defs: { Node: { items: { $ref: '#/$defs/Node' } } } };
    expect(() => convertSchema({ $ref: '#/$defs/Node' }, document)).toThrow(
      "the recursive schema $ref '#/$defs/Node' must point at #/components/schemas/<Name>",
    );
  });
});
