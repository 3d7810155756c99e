import type { JsonSchema, JsonValue } from '@trainwire/core';
import { isRecord, resolveLocalRef } from './json-pointer.js';

/** A reference that stays a reference: it resolves against `ServiceDefinition.schemas`. */
const COMPONENT_REF = /^#\/components\/schemas\/[^/]+$/;

const SCHEMA_KEYWORDS = ['properties', 'items', 'not'] as const;
const SCHEMA_LIST_KEYWORDS = ['prefixItems', 'anyOf', 'oneOf', 'allOf'] as const;
const NUMBER_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
] as const;

/** The keywords kept, in the order they are emitted (tools/codegen/FORMAT.md). */
const KEYWORD_ORDER = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'format',
  '$ref',
] as const;

/**
 * Converts an OpenAPI schema (3.0 or 3.1) to the validator subset of JSON Schema: keeps only the
 * validation keywords, turns 3.0 `nullable` and boolean `exclusiveMinimum`/`exclusiveMaximum` into
 * their 3.1 forms, keeps `#/components/schemas/*` references and inlines any other local one.
 */
export function convertSchema(schema: unknown, document: unknown, inlining: readonly string[] = []): JsonSchema {
  if (schema === false) return { not: {} };
  if (!isRecord(schema)) return {};
  const ref = schema.$ref;
  if (typeof ref === 'string' && !COMPONENT_REF.test(ref)) {
    return inlineRef(schema, ref, document, inlining);
  }
  const result: Record<string, unknown> = {};
  for (const keyword of SCHEMA_KEYWORDS) {
    const value = schema[keyword];
    if (keyword === 'properties' && isRecord(value)) {
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, convertSchema(property, document, inlining)]),
      );
    } else if (keyword !== 'properties' && value !== undefined) {
      result[keyword] = convertSchema(value, document, inlining);
    }
  }
  for (const keyword of SCHEMA_LIST_KEYWORDS) {
    const value = schema[keyword];
    if (Array.isArray(value)) result[keyword] = value.map((member) => convertSchema(member, document, inlining));
  }
  for (const keyword of NUMBER_KEYWORDS) {
    if (typeof schema[keyword] === 'number') result[keyword] = schema[keyword];
  }
  copyIf(schema, result, 'type', (value) => typeof value === 'string' || isStringArray(value));
  copyIf(schema, result, 'required', isStringArray);
  copyIf(schema, result, 'format', (value) => typeof value === 'string');
  copyIf(schema, result, 'pattern', (value) => typeof value === 'string');
  copyIf(schema, result, 'uniqueItems', (value) => typeof value === 'boolean');
  copyIf(schema, result, '$ref', (value) => typeof value === 'string');
  if (Array.isArray(schema.enum)) result.enum = schema.enum.map(toJsonValue);
  if (schema.const !== undefined) result.const = toJsonValue(schema.const);
  const extra = schema.additionalProperties;
  if (typeof extra === 'boolean') result.additionalProperties = extra;
  else if (isRecord(extra)) result.additionalProperties = convertSchema(extra, document, inlining);
  convertExclusiveBound(schema, result, 'exclusiveMinimum', 'minimum');
  convertExclusiveBound(schema, result, 'exclusiveMaximum', 'maximum');
  const ordered = orderKeywords(result);
  return schema.nullable === true ? makeNullable(ordered) : ordered;
}

/** Inlines a local reference that does not name a component schema; a cycle cannot be inlined. */
function inlineRef(schema: Record<string, unknown>, ref: string, document: unknown, inlining: readonly string[]): JsonSchema {
  if (!ref.startsWith('#/')) throw new Error(`cannot resolve the schema $ref '${ref}' after bundling`);
  if (inlining.includes(ref)) {
    throw new Error(`the recursive schema $ref '${ref}' must point at #/components/schemas/<Name>`);
  }
  const target = resolveLocalRef(document, ref);
  if (target === undefined) throw new Error(`cannot resolve the schema $ref '${ref}'`);
  const inlined = convertSchema(target, document, [...inlining, ref]);
  const { $ref: _ref, ...siblings } = schema;
  if (Object.keys(siblings).length === 0) return inlined;
  return { allOf: [inlined, convertSchema(siblings, document, inlining)] };
}

/**
 * OpenAPI 3.0 `nullable: true` as JSON Schema: `'null'` joins the type (and the enum, if any), or,
 * when a `$ref` or a composition would still reject null, `anyOf: [schema, { type: 'null' }]`.
 */
function makeNullable(schema: JsonSchema): JsonSchema {
  const { type } = schema;
  const composed = schema.$ref ?? schema.allOf ?? schema.anyOf ?? schema.oneOf ?? schema.not;
  if (type === undefined || composed !== undefined) return { anyOf: [schema, { type: 'null' }] };
  const types = typeof type === 'string' ? [type] : [...type];
  const result: Record<string, unknown> = { ...schema, type: types.includes('null') ? types : [...types, 'null'] };
  if (schema.enum !== undefined && !schema.enum.includes(null)) result.enum = [...schema.enum, null];
  return orderKeywords(result);
}

/** OpenAPI 3.0 `exclusiveMinimum: true` next to `minimum: n` becomes `exclusiveMinimum: n`. */
function convertExclusiveBound(
  schema: Record<string, unknown>,
  result: Record<string, unknown>,
  exclusive: 'exclusiveMinimum' | 'exclusiveMaximum',
  inclusive: 'minimum' | 'maximum',
): void {
  if (schema[exclusive] === true && typeof schema[inclusive] === 'number') {
    result[exclusive] = schema[inclusive];
    delete result[inclusive];
  }
}

function orderKeywords(result: Record<string, unknown>): JsonSchema {
  const ordered: Record<string, unknown> = {};
  for (const keyword of KEYWORD_ORDER) {
    if (result[keyword] !== undefined) ordered[keyword] = result[keyword];
  }
  return ordered as JsonSchema;
}

function copyIf(from: Record<string, unknown>, to: Record<string, unknown>, keyword: string, accept: (value: unknown) => boolean): void {
  if (from[keyword] !== undefined && accept(from[keyword])) to[keyword] = from[keyword];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function toJsonValue(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Date) return value.toISOString();
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item)]));
  return String(value);
}
