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
  /**
   * Check a value as `JSON.stringify` sends it: an object with `toJSON` (a `Date`) is checked as
   * its JSON form. On for request bodies.
   */
  json?: boolean;
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
  if (options.json && typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function') value = asJson(value);
  const fail = (reason: string): ValidationIssue => ({ path, reason });
  const below = (part: JsonSchema | undefined, item: unknown, at: string) => validate(part, item, schemas, options, at);
  const { $ref, type, enum: choices, not } = schema;
  if ($ref) {
    const target = schemas[$ref.startsWith(REF_PREFIX) ? $ref.slice(REF_PREFIX.length) : $ref];
    return target ? below(target, value, path) : fail(`unknown schema ${$ref}`);
  }
  if (type !== undefined && !(typeof type === 'string' ? hasType(value, type) : type.some((name) => hasType(value, name)))) {
    return fail(`expected ${typeof type === 'string' ? type : type.join(' or ')}, got ${describe(value)}`);
  }
  if (schema.const !== undefined && !same(schema.const, value)) return fail(`expected ${JSON.stringify(schema.const)}`);
  if (choices && !choices.some((option) => same(option, value))) {
    return fail(`expected one of ${choices.map((option) => JSON.stringify(option)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  for (const part of schema.allOf ?? []) {
    const issue = below(part, value, path);
    if (issue) return issue;
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    // The issue that got furthest into the value: the most useful of several failed alternatives.
    let best: ValidationIssue | undefined;
    let matched = false;
    for (const part of alternatives) {
      const issue = below(part, value, path);
      matched ||= !issue;
      if (issue && !(best && best.path.length >= issue.path.length)) best = issue;
    }
    if (!matched) return best ?? fail('matches no alternative');
  }
  if (not && !below(not, value, path)) return fail('matches a forbidden schema');

  if (typeof value === 'number') {
    for (const [keyword, sign, outside] of BOUNDS) {
      const bound = schema[keyword];
      if (bound !== undefined && outside(value, bound)) return fail(`must be ${sign} ${bound}, got ${value}`);
    }
    const { multipleOf } = schema;
    if (multipleOf !== undefined && !Number.isInteger(value / multipleOf)) return fail(`must be a multiple of ${multipleOf}`);
  }
  if (typeof value === 'string') {
    const { minLength, maxLength, pattern } = schema;
    // Length in characters (code points), not UTF-16 units; counted only when a bound asks for it.
    const length = minLength === undefined && maxLength === undefined ? 0 : [...value].length;
    if (length < (minLength ?? 0)) return fail(`must be at least ${minLength} characters`);
    if (length > (maxLength ?? length)) return fail(`must be at most ${maxLength} characters`);
    if (pattern !== undefined && !new RegExp(pattern, 'u').test(value)) return fail(`must match /${pattern}/`);
  }
  if (Array.isArray(value)) {
    const { minItems, maxItems, prefixItems = [], items } = schema;
    if (value.length < (minItems ?? 0)) return fail(`must have at least ${minItems} items`);
    if (value.length > (maxItems ?? value.length)) return fail(`must have at most ${maxItems} items`);
    if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) return fail('items must be unique');
    for (let index = 0; (items || prefixItems.length > 0) && index < value.length; index++) {
      const issue = below(prefixItems[index] ?? items, value[index], `${path}[${index}]`);
      if (issue) return issue;
    }
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) return { path: `${path}.${key}`, reason: 'is required' };
    }
    const { properties = {}, additionalProperties } = schema;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const property = Object.hasOwn(properties, key) ? properties[key] : additionalProperties;
      if (item === undefined) continue;
      if (typeof property === 'object') {
        const issue = below(property, item, `${path}.${key}`);
        if (issue) return issue;
      } else if (property === false && options.rejectAdditional) return { path: `${path}.${key}`, reason: 'is not allowed' };
    }
  }
  return undefined;
}

/** `value` as it reads after a JSON round trip; unchanged when JSON cannot hold it (the sender reports that). */
function asJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return value;
  }
}

// Numeric bounds: the keyword, the sign a message shows, and when a value falls outside it.
const BOUNDS: [keyof JsonSchema & `${string}imum`, string, (value: number, bound: number) => boolean][] = [
  ['minimum', '>=', (value, bound) => value < bound],
  ['maximum', '<=', (value, bound) => value > bound],
  ['exclusiveMinimum', '>', (value, bound) => value <= bound],
  ['exclusiveMaximum', '<', (value, bound) => value >= bound],
];

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
  // Two different strings never serialize alike: the common enum case skips JSON.stringify.
  return left === right || (!(typeof left === 'string' && typeof right === 'string') && JSON.stringify(left) === JSON.stringify(right));
}
