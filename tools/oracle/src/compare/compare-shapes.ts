import type { JsonSchema } from '@trainwire/core';
import { describeShape, kindsOf, memberOfKind, mergeShapes, type Shape } from './json-shape.js';

/** Where the real answer and the mock's answer differ in shape. */
export interface ShapeDifference {
  /** `$.experiments[].best_metric_value` */
  path: string;
  /** What differs, in a few words: `only the real server has it`, `real number, mock string`... */
  what: string;
}

/** The spec's schema for the answer, to tell a map from a record and nullable from not. */
export interface SchemaContext {
  schema: JsonSchema | null | undefined;
  schemas: Readonly<Record<string, JsonSchema>>;
  /**
   * Fields that carry what a user wrote (an artifact's `metadata`), compared as objects and not key
   * by key: for runs where the two sides hold different data.
   */
  userData?: ReadonlySet<string>;
}

/**
 * Compare the shape of the real server's answer with the mock's: the same keys and the same types,
 * recursively. Where the spec says a value may be null, null on one side against a value on the
 * other is the data, not the shape; objects the spec declares as maps (`additionalProperties` only)
 * are compared by the shape of their values, since their keys are data too.
 */
export function compareShapes(real: Shape | undefined, mock: Shape | undefined, context?: SchemaContext): ShapeDifference[] {
  const differences: ShapeDifference[] = [];
  walk(
    real,
    mock,
    context?.schema ?? undefined,
    '$',
    { schemas: context?.schemas ?? {}, userData: context?.userData ?? new Set() },
    differences,
  );
  return differences;
}

function walk(
  real: Shape | undefined,
  mock: Shape | undefined,
  schema: JsonSchema | undefined,
  path: string,
  options: { schemas: Readonly<Record<string, JsonSchema>>; userData: ReadonlySet<string> },
  differences: ShapeDifference[],
): void {
  const { schemas } = options;
  // An empty array on either side says nothing about its items.
  if (!real || !mock) return;
  const resolved = resolve(schema, schemas);
  const realKinds = kindsOf(real);
  const mockKinds = kindsOf(mock);
  const nullable = allowsNull(resolved, schemas);
  if (realKinds.has('null') !== mockKinds.has('null') && nullable === false) {
    differences.push({
      path,
      what: realKinds.has('null')
        ? `the real server sends null here, the spec does not allow it (mock: ${describeShape(mock, 0)})`
        : `the mock sends null here, the real server ${describeShape(real, 0)}`,
    });
  }
  realKinds.delete('null');
  mockKinds.delete('null');
  // Only null on one side (e.g. no primary metric yet): nothing more to compare.
  if (realKinds.size === 0 || mockKinds.size === 0) return;
  const onlyReal = [...realKinds].filter((kind) => !mockKinds.has(kind));
  const onlyMock = [...mockKinds].filter((kind) => !realKinds.has(kind));
  // Where the spec allows several types (a metric column: number or string), which one is data.
  const allowed = allowedKinds(resolved, schemas);
  const explained = allowed !== undefined && [...onlyReal, ...onlyMock].every((kind) => allowed.has(kind));
  if ((onlyReal.length > 0 || onlyMock.length > 0) && !explained) {
    differences.push({ path, what: `real ${describeShape(real, 1)}, mock ${describeShape(mock, 1)}` });
  }
  const realArray = memberOfKind(real, 'array');
  const mockArray = memberOfKind(mock, 'array');
  if (realArray && mockArray) walk(realArray.items, mockArray.items, itemsSchema(resolved, schemas), `${path}[]`, options, differences);
  const realObject = memberOfKind(real, 'object');
  const mockObject = memberOfKind(mock, 'object');
  if (!realObject || !mockObject) return;
  // Keys the spec leaves open (a map, or the columns of a metric row) are data: their values are
  // compared together, by shape, and a key on one side only is not a difference.
  const { declared, extra } = openKeys(resolved, schemas);
  const isData = (key: string) => extra !== undefined && !declared.has(key);
  if (extra !== undefined) {
    const values = (object: typeof realObject) =>
      Object.entries(object.properties)
        .filter(([key]) => isData(key))
        .map(([, shape]) => shape)
        .reduce<Shape | undefined>(mergeShapes, undefined);
    if (extra !== true) walk(values(realObject), values(mockObject), extra, `${path}.*`, options, differences);
  }
  const keys = new Set([...Object.keys(realObject.properties), ...Object.keys(mockObject.properties)].filter((key) => !isData(key)));
  for (const key of [...keys].sort()) {
    const inReal = key in realObject.properties;
    const inMock = key in mockObject.properties;
    const child = `${path}.${key}`;
    if (!inMock) differences.push({ path: child, what: `only the real server sends it (${describeShape(realObject.properties[key], 0)})` });
    else if (!inReal) differences.push({ path: child, what: `only the mock sends it (${describeShape(mockObject.properties[key], 0)})` });
    // What a user logged (an artifact's metadata) is data whatever its keys.
    else if (!options.userData.has(key))
      walk(realObject.properties[key], mockObject.properties[key], propertySchema(resolved, key, schemas), child, options, differences);
  }
}

/** A schema with its `$ref` followed (once per level). */
function resolve(schema: JsonSchema | undefined, schemas: Readonly<Record<string, JsonSchema>>): JsonSchema | undefined {
  let current = schema;
  for (let depth = 0; current?.$ref && depth < 20; depth += 1) current = schemas[current.$ref.replace('#/components/schemas/', '')];
  return current;
}

/** The schema and every alternative it allows (anyOf, oneOf, allOf), resolved. */
function alternatives(schema: JsonSchema | undefined, schemas: Readonly<Record<string, JsonSchema>>): JsonSchema[] {
  const resolved = resolve(schema, schemas);
  if (!resolved) return [];
  const nested = [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.allOf ?? [])];
  return [resolved, ...nested.flatMap((member) => alternatives(member, schemas))];
}

/** true/false when the spec says, undefined when it says nothing (no schema, or `{}`). */
function allowsNull(schema: JsonSchema | undefined, schemas: Readonly<Record<string, JsonSchema>>): boolean | undefined {
  const all = alternatives(schema, schemas);
  if (all.length === 0) return undefined;
  let typed = false;
  for (const member of all) {
    const types = member.type === undefined ? [] : Array.isArray(member.type) ? member.type : [member.type];
    if (types.includes('null') || member.const === null || member.enum?.includes(null)) return true;
    if (types.length > 0 || member.enum || member.const !== undefined || member.properties) typed = true;
  }
  return typed ? false : undefined;
}

/** The kinds of value the schema allows (integer counts as number), or undefined when it does not say. */
function allowedKinds(schema: JsonSchema | undefined, schemas: Readonly<Record<string, JsonSchema>>): Set<string> | undefined {
  const kinds = new Set<string>();
  for (const member of alternatives(schema, schemas)) {
    const types = member.type === undefined ? [] : Array.isArray(member.type) ? member.type : [member.type];
    for (const type of types) kinds.add(type === 'integer' ? 'number' : type);
  }
  return kinds.size > 0 ? kinds : undefined;
}

function propertySchema(
  schema: JsonSchema | undefined,
  key: string,
  schemas: Readonly<Record<string, JsonSchema>>,
): JsonSchema | undefined {
  for (const member of alternatives(schema, schemas)) {
    const found = member.properties?.[key];
    if (found) return found;
  }
  for (const member of alternatives(schema, schemas)) {
    if (typeof member.additionalProperties === 'object') return member.additionalProperties;
  }
  return undefined;
}

function itemsSchema(schema: JsonSchema | undefined, schemas: Readonly<Record<string, JsonSchema>>): JsonSchema | undefined {
  return alternatives(schema, schemas).find((member) => member.items)?.items;
}

/**
 * Which keys of an object the spec leaves open: `extra` is the schema of undeclared keys (`true`
 * for any value) when the spec allows them explicitly (`additionalProperties`), else undefined
 * (every key is compared). A bare `type: object` says nothing, so its keys are compared too.
 */
function openKeys(
  schema: JsonSchema | undefined,
  schemas: Readonly<Record<string, JsonSchema>>,
): { declared: Set<string>; extra: JsonSchema | true | undefined } {
  const all = alternatives(schema, schemas);
  const declared = new Set(all.flatMap((member) => Object.keys(member.properties ?? {})));
  const open = all.find((member) => member.additionalProperties !== undefined && member.additionalProperties !== false);
  if (!open) return { declared, extra: undefined };
  // `additionalProperties: true` on an object without declared keys is an echo of free-form input: compare it key by key.
  if (open.additionalProperties === true && declared.size === 0) return { declared, extra: undefined };
  return { declared, extra: open.additionalProperties as JsonSchema | true };
}
