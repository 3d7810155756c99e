import type { JsonSchema, ServiceDefinition } from '@trainwire/core';
import { validate } from '@trainwire/core';
import fc from 'fast-check';

const REF_PREFIX = '#/components/schemas/';

/** A made-up id for path parameters: an operation may answer 404 for it. */
const MADE_UP = 'made-up-id';

const FORMATS: Record<string, string> = {
  'date-time': '2026-01-01T00:00:00Z',
  date: '2026-01-01',
  uuid: '00000000-0000-4000-8000-000000000000',
  uri: 'https://example.test/made-up',
  email: 'made-up@example.test',
};

/**
 * The smallest value a schema accepts: required properties only, `minItems` items, the first
 * `enum` value or `anyOf` alternative that fits, strings of the right format, pattern (drawn with
 * fast-check, seeded) and length. Throws when what it made does not validate, so a schema it cannot
 * satisfy is said, not skipped.
 */
export function exampleValue(schema: JsonSchema | null | undefined, schemas: ServiceDefinition['schemas']): unknown {
  const value = make(schema ?? {}, schemas, 0);
  const issue = validate(schema, value, schemas, { rejectAdditional: true });
  if (issue) throw new Error(`no example for ${JSON.stringify(schema)}: ${JSON.stringify(value)} fails at ${issue.path}: ${issue.reason}`);
  return value;
}

function make(schema: JsonSchema, schemas: ServiceDefinition['schemas'], depth: number): unknown {
  if (depth > 24) throw new Error(`schema nests too deep: ${JSON.stringify(schema)}`);
  if (schema.$ref) return make(schemas[schema.$ref.replace(REF_PREFIX, '')] ?? {}, schemas, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => make(part, schemas, depth + 1)));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    for (const part of alternatives) {
      const value = make(part, schemas, depth + 1);
      if (validate(schema, value, schemas) === undefined) return value;
    }
    return make(alternatives[0] ?? {}, schemas, depth + 1);
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((name) => name !== 'null') ?? types[0] ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of schema.required ?? []) value[name] = make(schema.properties?.[name] ?? {}, schemas, depth + 1);
      return value;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => make(schema.items ?? {}, schemas, depth + 1));
    case 'string':
      return text(schema);
    case 'integer':
    case 'number':
      return number(schema, type);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

function text(schema: JsonSchema): string {
  if (schema.pattern) {
    const drawn = fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { numRuns: 20, seed: 1 });
    const fits = drawn.find(
      (value) => value.length >= (schema.minLength ?? 0) && value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY),
    );
    if (fits !== undefined) return fits;
  }
  const base = (schema.format && FORMATS[schema.format]) ?? MADE_UP;
  const padded = base.padEnd(schema.minLength ?? 0, 'x');
  return schema.maxLength === undefined ? padded : padded.slice(0, schema.maxLength);
}

function number(schema: JsonSchema, type: 'integer' | 'number'): number {
  let value = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
  if (schema.maximum !== undefined) value = Math.min(value, schema.maximum);
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) value = schema.exclusiveMaximum - 1;
  if (schema.multipleOf) value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return type === 'integer' ? Math.ceil(value) : value;
}
