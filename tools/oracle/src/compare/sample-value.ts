import type { JsonSchema } from '@trainwire/core';

/** Values known on one side (ids the server made, its storage root...), by field name. */
export type Bindings = Record<string, unknown>;

/**
 * A small valid value for a schema: the field's binding when there is one, else its const, first
 * enum value, default, or a plain value of its type; objects get their required properties only.
 */
export function sampleValue(
  schema: JsonSchema | null | undefined,
  schemas: Readonly<Record<string, JsonSchema>>,
  bindings: Bindings,
  name?: string,
  depth = 0,
): unknown {
  if (name !== undefined && name in bindings) return bindings[name];
  let current = schema ?? {};
  for (let hops = 0; current.$ref && hops < 20; hops += 1) current = schemas[current.$ref.replace('#/components/schemas/', '')] ?? {};
  if (depth > 12) return null;
  if (current.const !== undefined) return current.const;
  const choice = current.enum?.find((value) => value !== null);
  if (choice !== undefined) return choice;
  if ('default' in current && (current as { default?: unknown }).default !== undefined) return (current as { default?: unknown }).default;
  const member = [...(current.anyOf ?? []), ...(current.oneOf ?? [])].find((candidate) => !isNull(candidate));
  if (member) return sampleValue(member, schemas, bindings, name, depth + 1);
  if (current.allOf?.[0]) return sampleValue(current.allOf[0], schemas, bindings, name, depth + 1);
  const types = current.type === undefined ? [] : Array.isArray(current.type) ? current.type : [current.type];
  const type = types.find((candidate) => candidate !== 'null') ?? (current.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      // The required fields, and the optional ones this side has a value for (an SSH port that refuses).
      const value: Record<string, unknown> = {};
      const bound = Object.keys(current.properties ?? {}).filter((key) => key in bindings);
      for (const key of new Set([...(current.required ?? []), ...bound]))
        value[key] = sampleValue(current.properties?.[key], schemas, bindings, key, depth + 1);
      return value;
    }
    case 'array':
      return (current.minItems ?? 0) > 0 ? [sampleValue(current.items, schemas, bindings, undefined, depth + 1)] : [];
    case 'integer':
    case 'number':
      return current.minimum ?? (current.exclusiveMinimum === undefined ? 1 : current.exclusiveMinimum + 1);
    case 'boolean':
      return true;
    case 'string':
      return current.format === 'date-time' ? new Date().toISOString() : 'oracle';
    default:
      return name === undefined ? {} : 'oracle';
  }
}

function isNull(schema: JsonSchema): boolean {
  return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.length === 1 && schema.type[0] === 'null');
}
