import type { JsonSchema } from '../service-definition.js';

const REF_PREFIX = '#/components/schemas/';

/**
 * Turn the strings a URL or a header carries into the JSON values their schema expects
 * (`'20'` → `20` for an integer, `'true'` → `true`, repeated keys → an array), so that the
 * parameters can be checked with the same `validate` as a JSON body. Names not in the schema are kept
 * as strings.
 */
export function coerceParams(
  schema: JsonSchema,
  values: Map<string, string[]>,
  schemas: Record<string, JsonSchema>,
): Record<string, unknown> {
  const properties = resolve(schema, schemas).properties ?? {};
  const result: Record<string, unknown> = {};
  for (const [name, given] of values) {
    const property = properties[name];
    if (!property) {
      result[name] = given.length === 1 ? given[0] : given;
      continue;
    }
    const resolved = resolve(property, schemas);
    if (schemaTypes(resolved, schemas).has('array')) {
      // A comma-joined list (`style: form, explode: false`) can only be told apart when items are not strings.
      const itemTypes = schemaTypes(resolved.items ?? {}, schemas);
      const joined = given.length === 1 && !itemTypes.has('string') && itemTypes.size > 0;
      const items = joined ? (given[0] ?? '').split(',') : given;
      result[name] = items.map((item) => coerce(resolved.items ?? {}, item, schemas));
    } else {
      result[name] = coerce(resolved, given[given.length - 1] ?? '', schemas);
    }
  }
  return result;
}

function coerce(schema: JsonSchema, text: string, schemas: Record<string, JsonSchema>): unknown {
  const types = schemaTypes(schema, schemas);
  if ((types.has('integer') || types.has('number')) && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.has('null') && text === 'null') return null;
  return text;
}

function resolve(schema: JsonSchema, schemas: Record<string, JsonSchema>, depth = 0): JsonSchema {
  if (!schema.$ref || depth > 16) return schema;
  const name = schema.$ref.startsWith(REF_PREFIX) ? schema.$ref.slice(REF_PREFIX.length) : schema.$ref;
  const target = schemas[name];
  return target ? resolve(target, schemas, depth + 1) : schema;
}

/** Every JSON type a schema admits, looking through refs, `enum`, `const` and alternatives. */
export function schemaTypes(schema: JsonSchema, schemas: Record<string, JsonSchema>, depth = 0): Set<string> {
  const types = new Set<string>();
  if (depth > 16) return types;
  const resolved = resolve(schema, schemas);
  const own = resolved.type === undefined ? [] : Array.isArray(resolved.type) ? resolved.type : [resolved.type];
  for (const type of own) types.add(type);
  for (const value of [...(resolved.enum ?? []), ...(resolved.const === undefined ? [] : [resolved.const])]) {
    types.add(value === null ? 'null' : typeof value);
  }
  for (const part of [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.allOf ?? [])]) {
    for (const type of schemaTypes(part, schemas, depth + 1)) types.add(type);
  }
  return types;
}
