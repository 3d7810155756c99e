import { dereference, isRecord } from './json-pointer.js';

/** What a dotted body path leads to in a response schema; `unknown` when the schema is too open to tell. */
export type BodyPathCheck = 'found' | 'missing' | 'not-array' | 'unknown';

const UNKNOWN = Symbol('unknown');
const MISSING = Symbol('missing');
type Lookup = unknown | typeof UNKNOWN | typeof MISSING;

const COMBINATORS = ['allOf', 'anyOf', 'oneOf'] as const;
const MAX_DEPTH = 32;

/** Follows a dotted path (`meta.total`, or `.` for the body) through a schema and its local `$ref`s. */
export function checkBodyPath(document: unknown, schema: unknown, dotted: string, expectArray: boolean): BodyPathCheck {
  let current: unknown = schema;
  if (dotted !== '.') {
    for (const name of dotted.split('.')) {
      const next = lookupProperty(document, current, name, 0);
      if (next === MISSING) return 'missing';
      if (next === UNKNOWN) return 'unknown';
      current = next;
    }
  }
  if (!expectArray) return 'found';
  const array = isArraySchema(document, current, 0);
  if (array === UNKNOWN) return 'unknown';
  return array ? 'found' : 'not-array';
}

function lookupProperty(document: unknown, schema: unknown, name: string, depth: number): Lookup {
  const resolved = dereference(document, schema);
  if (!isRecord(resolved) || depth > MAX_DEPTH) return UNKNOWN;
  const properties = resolved.properties;
  if (isRecord(properties) && Object.hasOwn(properties, name)) return properties[name];
  let open = !isRecord(properties);
  for (const keyword of COMBINATORS) {
    const members = resolved[keyword];
    if (!Array.isArray(members)) continue;
    open = false;
    for (const member of members) {
      const found = lookupProperty(document, member, name, depth + 1);
      if (found === UNKNOWN) open = true;
      else if (found !== MISSING) return found;
    }
  }
  const extra = resolved.additionalProperties;
  if (open || (extra !== undefined && extra !== false) || resolved.patternProperties !== undefined) {
    return UNKNOWN;
  }
  return MISSING;
}

function isArraySchema(document: unknown, schema: unknown, depth: number): boolean | typeof UNKNOWN {
  const resolved = dereference(document, schema);
  if (!isRecord(resolved) || depth > MAX_DEPTH) return UNKNOWN;
  const type = resolved.type;
  if (type === 'array' || (Array.isArray(type) && type.includes('array'))) return true;
  if (resolved.items !== undefined || resolved.prefixItems !== undefined) return true;
  if (type !== undefined) return false;
  let sawFalse = false;
  let sawUnknown = false;
  for (const keyword of COMBINATORS) {
    const members = resolved[keyword];
    if (!Array.isArray(members)) continue;
    for (const member of members) {
      const result = isArraySchema(document, member, depth + 1);
      if (result === true) return true;
      if (result === false) sawFalse = true;
      else sawUnknown = true;
    }
  }
  return sawFalse && !sawUnknown ? false : UNKNOWN;
}
