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
  const issue = check(schema, value, schemas, options);
  return issue && { path: path + issue.path, reason: issue.reason };
}

const NO_KEYS: readonly string[] = [];

/**
 * {@link validate}, with the issue's path relative to `value` (`''` for the value itself). The path
 * is built on the way back up, only when something fails: a value that conforms costs no strings.
 */
function check(
  schema: JsonSchema | undefined | null,
  value: unknown,
  schemas: Record<string, JsonSchema>,
  options: ValidateOptions,
): ValidationIssue | undefined {
  if (!schema) return undefined;
  if (options.json && typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function') value = asJson(value);
  const { $ref, type, enum: choices, not } = schema;
  if ($ref) {
    const target = schemas[$ref.startsWith(REF_PREFIX) ? $ref.slice(REF_PREFIX.length) : $ref];
    return target ? check(target, value, schemas, options) : here(`unknown schema ${$ref}`);
  }
  if (type !== undefined && !(typeof type === 'string' ? hasType(value, type) : type.some((name) => hasType(value, name)))) {
    return here(`expected ${typeof type === 'string' ? type : type.join(' or ')}, got ${describe(value)}`);
  }
  if (schema.const !== undefined && !same(schema.const, value)) return here(`expected ${JSON.stringify(schema.const)}`);
  if (choices && !choices.some((option) => same(option, value))) {
    return here(`expected one of ${choices.map((option) => JSON.stringify(option)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (schema.allOf) {
    for (const part of schema.allOf) {
      const issue = check(part, value, schemas, options);
      if (issue) return issue;
    }
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    // The issue that got furthest into the value: the most useful of several failed alternatives.
    let best: ValidationIssue | undefined;
    let matched = false;
    for (const part of alternatives) {
      const issue = check(part, value, schemas, options);
      matched ||= !issue;
      if (issue && !(best && best.path.length >= issue.path.length)) best = issue;
    }
    if (!matched) return best ?? here('matches no alternative');
  }
  if (not && !check(not, value, schemas, options)) return here('matches a forbidden schema');

  if (typeof value === 'number') {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
    if (minimum !== undefined && value < minimum) return here(`must be >= ${minimum}, got ${value}`);
    if (maximum !== undefined && value > maximum) return here(`must be <= ${maximum}, got ${value}`);
    if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) return here(`must be > ${exclusiveMinimum}, got ${value}`);
    if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) return here(`must be < ${exclusiveMaximum}, got ${value}`);
    if (multipleOf !== undefined && !Number.isInteger(value / multipleOf)) return here(`must be a multiple of ${multipleOf}`);
  } else if (typeof value === 'string') {
    const { minLength, maxLength, pattern } = schema;
    // Length in characters (code points), not UTF-16 units; counted only when a bound asks for it.
    const length = minLength === undefined && maxLength === undefined ? 0 : [...value].length;
    if (length < (minLength ?? 0)) return here(`must be at least ${minLength} characters`);
    if (length > (maxLength ?? length)) return here(`must be at most ${maxLength} characters`);
    if (pattern !== undefined && !compiled(pattern).test(value)) return here(`must match /${pattern}/`);
  } else if (Array.isArray(value)) {
    const { minItems, maxItems, prefixItems, items } = schema;
    if (value.length < (minItems ?? 0)) return here(`must have at least ${minItems} items`);
    if (value.length > (maxItems ?? value.length)) return here(`must have at most ${maxItems} items`);
    if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) return here('items must be unique');
    for (let index = 0; (items || prefixItems?.length) && index < value.length; index++) {
      const issue = check(prefixItems?.[index] ?? items, value[index], schemas, options);
      if (issue) return { path: `[${index}]${issue.path}`, reason: issue.reason };
    }
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? NO_KEYS) {
      if (record[key] === undefined) return { path: `.${key}`, reason: 'is required' };
    }
    const { properties, additionalProperties } = schema;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const item = record[key];
      if (item === undefined) continue;
      const property = properties && Object.hasOwn(properties, key) ? properties[key] : additionalProperties;
      if (typeof property === 'object') {
        const issue = check(property, item, schemas, options);
        if (issue) return { path: `.${key}${issue.path}`, reason: issue.reason };
      } else if (property === false && options.rejectAdditional) return { path: `.${key}`, reason: 'is not allowed' };
    }
  }
  return undefined;
}

const patterns = new Map<string, RegExp>();

/** A schema's `pattern` as a RegExp, compiled once. */
function compiled(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'u');
    patterns.set(pattern, regex);
  }
  return regex;
}

/** An issue with the value being checked itself. */
const here = (reason: string): ValidationIssue => ({ path: '', reason });

/** `value` as it reads after a JSON round trip; unchanged when JSON cannot hold it (the sender reports that). */
function asJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return value;
  }
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
  // Two different strings never serialize alike: the common enum case skips JSON.stringify.
  return left === right || (!(typeof left === 'string' && typeof right === 'string') && JSON.stringify(left) === JSON.stringify(right));
}
