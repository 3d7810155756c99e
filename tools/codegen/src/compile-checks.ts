import type { JsonSchema, JsonValue, ServiceDefinition } from '@trainwire/core';
import { quote } from './format-typescript.js';

const REF_PREFIX = '#/components/schemas/';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// The helpers of the compiled checks; a file gets those its predicates use.
const HELPERS: [string, string][] = [
  [
    'eq',
    "const eq = (a: unknown, b: unknown): boolean =>\n  a === b || (!(typeof a === 'string' && typeof b === 'string') && JSON.stringify(a) === JSON.stringify(b));",
  ],
  ['own', 'const own = (x: object, k: string): boolean => Object.hasOwn(x, k);'],
  ['isObject', "const isObject = (x: unknown): boolean => x !== null && typeof x === 'object' && !Array.isArray(x);"],
  ['ok', 'const ok = (_x: unknown): boolean => true;'],
  ['req', 'const req = (x: unknown, f: Check): boolean => x !== undefined && f(x);'],
  ['opt', 'const opt = (x: unknown, f: Check): boolean => x === undefined || f(x);'],
  ['every', 'const every = (x: unknown, f: Check): boolean => !Array.isArray(x) || x.every((item) => f(item));'],
  [
    'tuple',
    'const tuple = (x: unknown, fs: Check[], f: Check): boolean =>\n  !Array.isArray(x) || x.every((item, i) => (i < fs.length ? (fs[i] as Check)(item) : f(item)));',
  ],
  [
    'rest',
    'const rest = (x: any, known: Set<string> | undefined, f: Check): boolean => {\n  for (const k in x) if (own(x, k) && x[k] !== undefined && !known?.has(k) && !f(x[k])) return false;\n  return true;\n};',
  ],
];

/** Code printed as it is by renderLiteral: the name of a compiled check in the service table. */
export class RawCode {
  constructor(readonly code: string) {}
}

/**
 * The response checks of a service as plain TypeScript (no `eval` or `new Function`, so they run
 * under a strict CSP): one boolean predicate per schema a 2xx (or `default`) response declares,
 * and per component schema those reach, structurally equal ones shared. Each accepts exactly the
 * JSON values core's `validate` accepts for a response (extra properties allowed); when one says
 * no, core runs `validate` for the path and reason of the issue. Returns the declarations, and
 * `service` with a `check` on each such response (a {@link RawCode} naming its predicate); '' and
 * the service unchanged when no response declares a schema.
 */
export function compileChecks(service: ServiceDefinition): { code: string; service: ServiceDefinition } {
  const compiler = new Compiler(service.schemas);
  let compiled = 0;
  const operations = Object.fromEntries(
    Object.entries(service.operations).map(([key, operation]) => {
      const responses = Object.fromEntries(
        Object.entries(operation.responses).map(([status, response]) => {
          if (!response.schema || !(status[0] === '2' || status === 'default')) return [status, response];
          compiled += 1;
          const name = compiler.function(response.schema);
          if (!name) compiler.usesOk = true;
          return [status, { ...response, check: new RawCode(name ?? 'ok') }];
        }),
      );
      return [key, { ...operation, responses }];
    }),
  );
  if (compiled === 0) return { code: '', service };
  const body = compiler.declarations.join('\n');
  const uses = (name: string) => new RegExp(`(?<![.\\w'"])${name}\\b`).test(body) || (name === 'ok' && compiler.usesOk);
  const helpers = HELPERS.filter(([name]) => uses(name) || (name === 'own' && uses('rest')) || (name === 'isObject' && uses('rest')));
  const code = [
    '// Compiled response checks (see compileChecks in @trainwire/codegen): true when a value conforms.',
    ...(helpers.some(([name]) => ['req', 'opt', 'every', 'tuple', 'rest'].includes(name)) ? ['type Check = (x: any) => boolean;'] : []),
    ...helpers.map(([, code]) => code),
    body,
    '',
  ].join('\n');
  return { code, service: { ...service, operations } };
}

class Compiler {
  usesOk = false;
  readonly declarations: string[] = [];
  readonly #named = new Map<string, string>();
  // Structurally equal subschemas share one predicate (most are `{ type: 'string' }` and the like).
  readonly #shared = new Map<string, string>();
  readonly #regexes = new Map<string, string>();
  #count = 0;

  constructor(readonly schemas: { readonly [name: string]: JsonSchema }) {}

  /** The name of a predicate that checks `schema` (a component's own function for a `$ref`); undefined when anything passes. */
  function(schema: JsonSchema | undefined): string | undefined {
    if (!schema || Object.keys(schema).length === 0) return undefined;
    if (schema.$ref) return this.#ref(schema.$ref);
    const key = JSON.stringify(schema);
    let name = this.#shared.get(key);
    if (!name) {
      name = `c${this.#count++}`;
      this.#shared.set(key, name);
      const index = this.declarations.push('') - 1;
      this.declarations[index] = `const ${name} = (x: any): boolean => ${this.#expression(schema)};`;
    }
    return name;
  }

  /** A predicate name for `schema`, `ok` (always true) when it has no keyword. */
  #predicate(schema: JsonSchema | undefined): string {
    const name = this.function(schema);
    if (!name) this.usesOk = true;
    return name ?? 'ok';
  }

  #ref(ref: string): string {
    const target = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
    let name = this.#named.get(target);
    if (name) return name;
    name = `is${IDENTIFIER.test(target) ? target : ''}_${this.#named.size}`;
    this.#named.set(target, name);
    const schema = this.schemas[target];
    // Reserve the slot first: a recursive schema refers to itself while its body is built.
    const index = this.declarations.push('') - 1;
    // An unknown target fails every value, as validate says "unknown schema".
    const body = schema ? this.#expression(schema) : 'false';
    this.declarations[index] = `function ${name}(x: any): boolean {\n  return ${body};\n}`;
    return name;
  }

  #regex(pattern: string): string {
    let name = this.#regexes.get(pattern);
    if (!name) {
      name = `r${this.#regexes.size}`;
      this.#regexes.set(pattern, name);
      this.declarations.push(`const ${name} = new RegExp(${quote(pattern)}, 'u');`);
    }
    return name;
  }

  /** One boolean expression of `x`: every condition validate checks, joined with `&&`. */
  #expression(schema: JsonSchema): string {
    const all: string[] = [];
    if (schema.$ref) return `${this.#ref(schema.$ref)}(x)`;
    const { type } = schema;
    if (type !== undefined) {
      const types = typeof type === 'string' ? [type] : type;
      all.push(types.length === 1 ? hasType(types[0] as string) : `(${types.map(hasType).join(' || ') || 'false'})`);
    }
    if (schema.const !== undefined) all.push(same(schema.const));
    if (schema.enum) all.push(`(${schema.enum.map(same).join(' || ') || 'false'})`);
    for (const part of schema.allOf ?? []) {
      const name = this.function(part);
      if (name) all.push(`${name}(x)`);
    }
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives) {
      const names = alternatives.map((part) => this.function(part));
      if (!names.includes(undefined)) all.push(`(${names.map((name) => `${name}(x)`).join(' || ') || 'false'})`);
    }
    if (schema.not) {
      const name = this.function(schema.not);
      all.push(name ? `!${name}(x)` : 'false');
    }

    const number: string[] = [];
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
    if (minimum !== undefined) number.push(`x < ${minimum}`);
    if (maximum !== undefined) number.push(`x > ${maximum}`);
    if (exclusiveMinimum !== undefined) number.push(`x <= ${exclusiveMinimum}`);
    if (exclusiveMaximum !== undefined) number.push(`x >= ${exclusiveMaximum}`);
    if (multipleOf !== undefined) number.push(`!Number.isInteger(x / ${multipleOf})`);
    if (number.length > 0) all.push(`!(typeof x === 'number' && (${number.join(' || ')}))`);

    const string: string[] = [];
    const { minLength, maxLength, pattern } = schema;
    if (minLength !== undefined) string.push(`[...x].length < ${minLength}`);
    if (maxLength !== undefined) string.push(`[...x].length > ${maxLength}`);
    if (pattern !== undefined) string.push(`!${this.#regex(pattern)}.test(x)`);
    if (string.length > 0) all.push(`!(typeof x === 'string' && (${string.join(' || ')}))`);

    const { minItems, maxItems, prefixItems, items } = schema;
    const array: string[] = [];
    if (minItems !== undefined) array.push(`x.length < ${minItems}`);
    if (maxItems !== undefined) array.push(`x.length > ${maxItems}`);
    if (schema.uniqueItems) array.push('new Set(x.map((item: unknown) => JSON.stringify(item))).size !== x.length');
    if (array.length > 0) all.push(`!(Array.isArray(x) && (${array.join(' || ')}))`);
    const prefix = (prefixItems ?? []).map((part) => this.#predicate(part));
    const rest = this.function(items);
    if (prefix.some((name) => name !== 'ok')) all.push(`tuple(x, [${prefix.join(', ')}], ${rest ?? 'ok'})`);
    else if (rest) all.push(`every(x, ${rest})`);

    const { required, properties, additionalProperties } = schema;
    const object: string[] = [];
    const read = (key: string) => (IDENTIFIER.test(key) ? `x.${key}` : `x[${quote(key)}]`);
    const requiredKeys = new Set(required ?? []);
    for (const key of requiredKeys) if (!properties?.[key] || key in {}) object.push(`${read(key)} !== undefined`);
    for (const [key, property] of Object.entries(properties ?? {})) {
      const name = this.function(property);
      if (key in {}) {
        // A name Object.prototype has is read from the object only when it is its own.
        if (name) object.push(`(!own(x, ${quote(key)}) || opt(${read(key)}, ${name}))`);
      } else if (requiredKeys.has(key)) object.push(name ? `req(${read(key)}, ${name})` : `${read(key)} !== undefined`);
      else if (name) object.push(`opt(${read(key)}, ${name})`);
    }
    const extra = typeof additionalProperties === 'object' ? this.function(additionalProperties) : undefined;
    if (extra) {
      const declared = Object.keys(properties ?? {});
      const known = declared.length > 0 ? `k${this.#count++}` : 'undefined';
      if (declared.length > 0) this.declarations.push(`const ${known} = new Set([${declared.map(quote).join(', ')}]);`);
      object.push(`rest(x, ${known}, ${extra})`);
    }
    // After `type: object` the value is known to be one.
    if (object.length > 0) all.push(type === 'object' ? object.join(' && ') : `(!isObject(x) || (${object.join(' && ')}))`);
    return all.join(' && ') || 'true';
  }
}

function hasType(type: string): string {
  switch (type) {
    case 'null':
      return 'x === null';
    case 'array':
      return 'Array.isArray(x)';
    case 'object':
      return 'isObject(x)';
    case 'integer':
      return 'Number.isInteger(x)';
    case 'number':
      return 'Number.isFinite(x)';
    default:
      return `typeof x === ${quote(type)}`;
  }
}

/** validate's `same(option, x)`: a string option is `===`; anything else compares as JSON. */
function same(option: JsonValue): string {
  if (typeof option === 'string') return `x === ${quote(option)}`;
  if (option === null || typeof option === 'boolean') return `eq(${String(option)}, x)`;
  if (typeof option === 'number') return `eq(${Number.isFinite(option) ? String(option) : 'null'}, x)`;
  return `eq(${JSON.stringify(option)}, x)`;
}
