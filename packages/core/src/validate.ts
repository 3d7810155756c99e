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
  if (schema.$ref) {
    const target = schemas[schema.$ref.startsWith(REF_PREFIX) ? schema.$ref.slice(REF_PREFIX.length) : schema.$ref];
    return target ? validate(target, value, schemas, options, path) : { path, reason: `unknown schema ${schema.$ref}` };
  }
  const fail = (reason: string): ValidationIssue => ({ path, reason });
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => hasType(value, type))) return fail(`expected ${types.join(' or ')}, got ${describe(value)}`);
  }
  if (schema.const !== undefined && !same(schema.const, value)) return fail(`expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.some((option) => same(option, value))) {
    return fail(`expected one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  for (const part of schema.allOf ?? []) {
    const issue = validate(part, value, schemas, options, path);
    if (issue) return issue;
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const issues = alternatives.map((part) => validate(part, value, schemas, options, path));
    if (!issues.includes(undefined)) return deepest(issues as ValidationIssue[]) ?? fail('matches no alternative');
  }
  if (schema.not && !validate(schema.not, value, schemas, options, path)) return fail('matches a forbidden schema');
  if (typeof value === 'number') return checkNumber(schema, value, fail);
  if (typeof value === 'string') return checkString(schema, value, fail);
  if (Array.isArray(value)) return checkArray(schema, value, schemas, options, path);
  if (value !== null && typeof value === 'object') return checkObject(schema, value as Record<string, unknown>, schemas, options, path);
  return undefined;
}

function checkNumber(schema: JsonSchema, value: number, fail: (reason: string) => ValidationIssue) {
  if (schema.minimum !== undefined && value < schema.minimum) return fail(`must be >= ${schema.minimum}, got ${value}`);
  if (schema.maximum !== undefined && value > schema.maximum) return fail(`must be <= ${schema.maximum}, got ${value}`);
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
    return fail(`must be > ${schema.exclusiveMinimum}, got ${value}`);
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
    return fail(`must be < ${schema.exclusiveMaximum}, got ${value}`);
  if (schema.multipleOf !== undefined && !Number.isInteger(value / schema.multipleOf))
    return fail(`must be a multiple of ${schema.multipleOf}`);
  return undefined;
}

function checkString(schema: JsonSchema, value: string, fail: (reason: string) => ValidationIssue) {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return fail(`must be at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && length > schema.maxLength) return fail(`must be at most ${schema.maxLength} characters`);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return fail(`must match /${schema.pattern}/`);
  return undefined;
}

function checkArray(schema: JsonSchema, value: unknown[], schemas: Record<string, JsonSchema>, options: ValidateOptions, path: string) {
  if (schema.minItems !== undefined && value.length < schema.minItems)
    return { path, reason: `must have at least ${schema.minItems} items` };
  if (schema.maxItems !== undefined && value.length > schema.maxItems)
    return { path, reason: `must have at most ${schema.maxItems} items` };
  if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length)
    return { path, reason: 'items must be unique' };
  const prefix = schema.prefixItems ?? [];
  for (let index = 0; index < value.length; index++) {
    const issue = validate(prefix[index] ?? schema.items, value[index], schemas, options, `${path}[${index}]`);
    if (issue) return issue;
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
  const properties = schema.properties ?? {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const property = properties[key];
    if (property) {
      const issue = validate(property, item, schemas, options, `${path}.${key}`);
      if (issue) return issue;
    } else if (schema.additionalProperties === false) {
      if (options.rejectAdditional) return { path: `${path}.${key}`, reason: 'is not allowed' };
    } else if (typeof schema.additionalProperties === 'object') {
      const issue = validate(schema.additionalProperties, item, schemas, options, `${path}.${key}`);
      if (issue) return issue;
    }
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
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

function same(left: unknown, right: unknown): boolean {
  return left === right || JSON.stringify(left) === JSON.stringify(right);
}

/** The issue that got furthest into the value: the most useful of several failed alternatives. */
function deepest(issues: ValidationIssue[]): ValidationIssue | undefined {
  return issues.reduce<ValidationIssue | undefined>(
    (best, issue) => (!best || issue.path.length > best.path.length ? issue : best),
    undefined,
  );
}
