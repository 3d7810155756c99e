import { type JsonSchema, validate } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { exampleValue } from './example-value.js';

const schemas: Record<string, JsonSchema> = {
  Run: {
    type: 'object',
    properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string', minLength: 12 }, note: { type: 'string' } },
    required: ['id', 'name'],
    additionalProperties: false,
  },
};

describe('exampleValue', () => {
  it('makes the smallest value a schema accepts', () => {
    expect(exampleValue({ $ref: '#/components/schemas/Run' }, schemas)).toEqual({
      id: '00000000-0000-4000-8000-000000000000',
      name: 'made-up-idxx',
    });
    expect(exampleValue({ type: 'integer', minimum: 3, maximum: 9 }, schemas)).toBe(3);
    expect(exampleValue({ type: 'number', exclusiveMinimum: 0, multipleOf: 0.5 }, schemas)).toBe(1);
    expect(exampleValue({ type: 'array', items: { type: 'boolean' }, minItems: 2 }, schemas)).toEqual([false, false]);
    expect(exampleValue({ enum: ['b', 'a'] }, schemas)).toBe('b');
    expect(exampleValue({ type: ['null', 'string'] }, schemas)).toBe('made-up-id');
    expect(exampleValue({ type: 'string', format: 'date-time' }, schemas)).toBe('2026-01-01T00:00:00Z');
  });

  it('draws a string that matches a pattern, and picks the alternative that fits', () => {
    const pattern = { type: 'string', pattern: '^tinker://[a-z0-9-]+/weights/[0-9]{4}$' } as const;
    expect(validate(pattern, exampleValue(pattern, schemas), schemas)).toBeUndefined();
    const either = {
      anyOf: [
        { type: 'string', maxLength: 0, minLength: 1 },
        { type: 'integer', minimum: 5 },
      ],
    } as const;
    expect(exampleValue(either, schemas)).toBe(5);
  });

  it('says so when it cannot make a valid value', () => {
    expect(() => exampleValue({ type: 'string', minLength: 5, maxLength: 2 }, schemas)).toThrow(/no example/);
  });
});
