import type { JsonSchema } from './service-definition.js';

/** Where a value first departs from its schema. */
export interface ValidationIssue {
  /** JSONPath-like location, e.g. `$.training_runs[3].created_at`. */
  path: string;
  reason: string;
}

/** How strictly to read a schema. */
export interface ValidateOptions {
  /**
   * Enforce `additionalProperties: false`. Off for responses, so that a server which adds a field
   * does not break clients that were built before it.
   */
  rejectAdditional?: boolean;
}

const REF_PREFIX = '#/components/schemas/';

/**
 * Check `value` against `schema` (refs resolve in `schemas`). Returns the first mismatch, or
 * `undefined` when the value conforms. `oneOf` is read as `anyOf`.
 */
export function validate(
  schema: JsonSchema | undefined | null,
  value: unknown,
  schemas: Record<string, JsonSchema>,
  options: ValidateOptions = {},
  path = '$',
): ValidationIssue | undefined {
  if (!schema) return undefined;
  const fail = (reason: string): ValidationIssue => ({ path, reason });
  const { $ref, type, enum: choices, not } = schema;
  if ($ref) {
    const target = schemas[$ref.startsWith(REF_PREFIX) ? $ref.slice(REF_PREFIX.length) : $ref];
    return target ? validate(target, value, schemas, options, path) : fail(`unknown schema ${$ref}`);
  }
  if (type !== undefined && !(typeof type === 'string' ? hasType(value, type) : type.some((name) => hasType(value, name)))) {
    return fail(`expected ${typeof type === 'string' ? type : type.join(' or ')}, got ${describe(value)}`);
  }
  if (schema.const !== undefined && !same(schema.const, value)) return fail(`expected ${JSON.stringify(schema.const)}`);
  if (choices && !choices.some((option) => same(option, value))) {
    return fail(`expected one of ${choices.map((option) => JSON.stringify(option)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  for (const part of schema.allOf ?? []) {
    const issue = validate(part, value, schemas, options, path);
    if (issue) return issue;
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    let best: ValidationIssue | undefined;
    for (const part of alternatives) {
      const issue = validate(part, value, schemas, options, path);
      if (!issue) {
        best = undefined;
        break;
      }
      // The issue that got furthest into the value: the most useful of several failed alternatives.
      if (!best || issue.path.length > best.path.length) best = issue;
    }
    if (best) return best;
  }
  if (not && !validate(not, value, schemas, options, path)) return fail('matches a forbidden schema');
  if (typeof value === 'number') return checkNumber(schema, value, fail);
  if (typeof value === 'string') return checkString(schema, value, fail);
  if (Array.isArray(value)) return checkArray(schema, value, schemas, options, path);
  if (value !== null && typeof value === 'object') return checkObject(schema, value as Record<string, unknown>, schemas, options, path);
  return undefined;
}

function checkNumber(schema: JsonSchema, value: number, fail: (reason: string) => ValidationIssue) {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
  if (value < (minimum ?? value)) return fail(`must be >= ${minimum}, got ${value}`);
  if (value > (maximum ?? value)) return fail(`must be <= ${maximum}, got ${value}`);
  if (value <= (exclusiveMinimum ?? Number.NEGATIVE_INFINITY)) return fail(`must be > ${exclusiveMinimum}, got ${value}`);
  if (value >= (exclusiveMaximum ?? Number.POSITIVE_INFINITY)) return fail(`must be < ${exclusiveMaximum}, got ${value}`);
  if (multipleOf !== undefined && !Number.isInteger(value / multipleOf)) return fail(`must be a multiple of ${multipleOf}`);
  return undefined;
}

function checkString(schema: JsonSchema, value: string, fail: (reason: string) => ValidationIssue) {
  const { minLength, maxLength, pattern } = schema;
  // Length in characters (code points), not UTF-16 units; counted only when a bound asks for it.
  const length = minLength === undefined && maxLength === undefined ? 0 : [...value].length;
  if (length < (minLength ?? 0)) return fail(`must be at least ${minLength} characters`);
  if (length > (maxLength ?? length)) return fail(`must be at most ${maxLength} characters`);
  if (pattern !== undefined && !new RegExp(pattern, 'u').test(value)) return fail(`must match /${pattern}/`);
  return undefined;
}

function checkArray(schema: JsonSchema, value: unknown[], schemas: Record<string, JsonSchema>, options: ValidateOptions, path: string) {
  const { minItems, maxItems, prefixItems = [], items } = schema;
  const fail = (reason: string): ValidationIssue => ({ path, reason });
  if (value.length < (minItems ?? 0)) return fail(`must have at least ${minItems} items`);
  if (value.length > (maxItems ?? value.length)) return fail(`must have at most ${maxItems} items`);
  if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) return fail('items must be unique');
  if (items || prefixItems.length > 0) {
    for (let index = 0; index < value.length; index++) {
      const issue = validate(prefixItems[index] ?? items, value[index], schemas, options, `${path}[${index}]`);
      if (issue) return issue;
    }
  }
  return undefined;
}

function checkObject(
  schema: JsonSchema,
  value: Record<string, unknown>,
  schemas: Record<string, JsonSchema>,
  options: ValidateOptions,
  path: string,
) {
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) return { path: `${path}.${key}`, reason: 'is required' };
  }
  const { properties = {}, additionalProperties } = schema;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) continue;
    const property = Object.hasOwn(properties, key) ? properties[key] : additionalProperties;
    if (typeof property === 'object') {
      const issue = validate(property, item, schemas, options, `${path}.${key}`);
      if (issue) return issue;
    } else if (property === false && options.rejectAdditional) return { path: `${path}.${key}`, reason: 'is not allowed' };
  }
  return undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  if (value === null || Array.isArray(value)) return value ? 'array' : 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

function same(left: unknown, right: unknown): boolean {
  return left === right || JSON.stringify(left) === JSON.stringify(right);
}
