import type { JsonSchema } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { compareShapes } from './compare-shapes.js';
import { shapeOf } from './json-shape.js';

const compare = (real: unknown, mock: unknown, schema?: JsonSchema, schemas: Record<string, JsonSchema> = {}) =>
  compareShapes(shapeOf(real), shapeOf(mock), { schema, schemas, userData: new Set(['metadata']) });

describe('compareShapes', () => {
  it('finds a key only one side sends, at its path', () => {
    expect(compare({ files: [{ path: 'a', modified_at: 1 }] }, { files: [{ path: 'b' }] })).toEqual([
      { path: '$.files[].modified_at', what: 'only the real server sends it (number)' },
    ]);
    expect(compare({ a: 1 }, { a: 1, b: 'x' })).toEqual([{ path: '$.b', what: 'only the mock sends it (string)' }]);
  });

  it('compares types, not values: ids and timestamps are strings either way', () => {
    expect(compare({ id: 'run-1', at: '2026-01-01T00:00:00' }, { id: 'x', at: '1999-12-31T23:59:59Z' })).toEqual([]);
    expect(compare({ step: 3 }, { step: '3' })).toEqual([{ path: '$.step', what: 'real number, mock string' }]);
  });

  it('merges every element of an array, so an optional key in one item is still seen', () => {
    expect(compare([{ a: 1 }, { a: 2, lifecycle_stage: 'x' }], [{ a: 3 }])).toEqual([
      { path: '$[].lifecycle_stage', what: 'only the real server sends it (string)' },
    ]);
    expect(compare([], [{ anything: 1 }])).toEqual([]);
  });

  it('takes null against a value as data where the spec allows null, and as a difference where it does not', () => {
    const nullable: JsonSchema = { type: 'object', properties: { best: { type: ['number', 'null'] } } };
    expect(compare({ best: null }, { best: 0.9 }, nullable)).toEqual([]);
    const strict: JsonSchema = { type: 'object', properties: { key: { type: 'string' } } };
    expect(compare({ key: null }, { key: 'k' }, strict)).toEqual([
      { path: '$.key', what: 'the real server sends null here, the spec does not allow it (mock: string)' },
    ]);
    // No schema: nothing to say whether null is data.
    expect(compare({ key: null }, { key: 'k' })).toEqual([]);
  });

  it('compares the open columns of a record by their values, and its declared keys by name', () => {
    const row: JsonSchema = {
      type: 'object',
      properties: { global_step: { type: 'integer' } },
      additionalProperties: { type: ['number', 'string', 'null'] },
    };
    const schema: JsonSchema = { type: 'object', properties: { rows: { type: 'array', items: row } } };
    expect(compare({ rows: [{ global_step: 1, loss: 0.5 }] }, { rows: [{ global_step: 1, lr: 0.1, stage: 'train' }] }, schema)).toEqual([]);
    expect(compare({ rows: [{ global_step: 1, loss: 0.5 }] }, { rows: [{ step: 1, loss: 0.5 }] }, schema)).toEqual([
      { path: '$.rows[].global_step', what: 'only the real server sends it (number)' },
    ]);
  });

  it('compares an echo of free-form input key by key, but not what the user wrote', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { config: { type: 'object', additionalProperties: true }, metadata: { type: 'object', additionalProperties: true } },
    };
    expect(
      compare(
        { config: { rank: 16, alpha: 32 }, metadata: { accuracy: 0.9 } },
        { config: { rank: 16 }, metadata: { framework: 'x' } },
        schema,
      ),
    ).toEqual([{ path: '$.config.alpha', what: 'only the real server sends it (number)' }]);
  });

  it('compares a map by its values, following $ref and anyOf', () => {
    const schemas: Record<string, JsonSchema> = {
      Series: { type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/Point' } } },
      Point: { type: 'object', properties: { step: { type: 'integer' }, value: { type: 'number' } } },
    };
    const schema: JsonSchema = { anyOf: [{ $ref: '#/components/schemas/Series' }, { type: 'null' }] };
    expect(compare({ loss: [{ step: 1, value: 2 }] }, { accuracy: [{ step: 1, value: 0.5 }] }, schema, schemas)).toEqual([]);
    expect(compare({ loss: [{ step: 1, value: 2 }] }, { acc: [{ step: 1 }] }, schema, schemas)).toEqual([
      { path: '$.*[].value', what: 'only the real server sends it (number)' },
    ]);
  });
});
