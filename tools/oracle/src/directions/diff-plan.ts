import type { JsonSchema, OperationDefinition, ServiceDefinition } from '@trainwire/core';
import { type Bindings, sampleValue } from '../compare/sample-value.js';

/** A request ready to send to one side. */
export interface PlannedRequest {
  method: string;
  /** The path below the service's base URL, parameters filled in and encoded. */
  path: string;
  query: Record<string, string>;
  /** A JSON value, a FormData, or undefined for no body. */
  body?: unknown;
}

/** How one operation is exercised, when the generic request (bound ids, required fields) will not do. */
export interface DiffOverride {
  /** Position in the run: lower first (reads ≈ 10, writes ≈ 50, deletions ≈ 90). */
  order?: number;
  /** Path parameters taken from other bindings: `{ exp_id: 'run_id' }`. */
  pathFrom?: Record<string, string>;
  query?: (bindings: Bindings) => Record<string, unknown>;
  body?: (bindings: Bindings) => unknown;
  /** Values to remember from a 2xx answer, for later requests on the same side. */
  capture?: (answer: unknown, bindings: Bindings) => Bindings;
  /** Leave out the unknown-id variant (e.g. the route has no id to get wrong). */
  noUnknownVariant?: boolean;
}

/** One row of the differential run: an operation, or one of its error variants. */
export interface DiffCase {
  /** `GET /api/runs/{run_id}`, `GET /api/runs/{run_id} (unknown id)`, `POST /api/runs/soft-delete (invalid body)` */
  call: string;
  key: string;
  operation: OperationDefinition;
  order: number;
  build(bindings: Bindings): PlannedRequest;
  capture?: DiffOverride['capture'];
}

const UNKNOWN = 'oracle-unknown-0000';
const UNKNOWN_NUMBER = 987654;

/**
 * The differential plan of a service, read from its generated operation table (so a route added
 * to the spec is covered without touching the suite): every operation once with valid input, every
 * GET with a path parameter once more with an unknown id, every JSON body with optional fields the
 * spec does not let be null once more with them null (as a Python client sends `None`), and every
 * operation whose body requires a field once more with `{}`. Overrides only say how to fill what
 * the schema cannot.
 */
export function planDiff(definition: ServiceDefinition, overrides: Readonly<Record<string, DiffOverride>>): DiffCase[] {
  const cases: DiffCase[] = [];
  for (const [key, operation] of Object.entries(definition.operations)) {
    const [method, template] = key.split(' ') as [string, string];
    const override = overrides[operation.operationId] ?? {};
    const order = override.order ?? (method === 'GET' ? 10 : method === 'DELETE' ? 90 : 50);
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
    // An id nobody made, of the parameter's own type (an unknown version is a number, not a word).
    const unknownOf = (name: string) => (isInteger(operation.params.path?.properties?.[name], definition) ? UNKNOWN_NUMBER : UNKNOWN);
    const fill = (bindings: Bindings, unknown?: string) =>
      template.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = name === unknown ? unknownOf(name) : bindings[override.pathFrom?.[name] ?? name];
        return encodeURIComponent(String(value ?? unknownOf(name)));
      });
    const query = (bindings: Bindings) => {
      const given = override.query?.(bindings);
      const schema = operation.params.query;
      const values =
        given ??
        Object.fromEntries(
          (schema?.required ?? []).map((name) => [name, sampleValue(schema?.properties?.[name], definition.schemas, bindings, name)]),
        );
      return Object.fromEntries(
        Object.entries(values)
          .filter(([, value]) => value !== undefined)
          .map(([name, value]) => [name, String(value)]),
      );
    };
    const body = (bindings: Bindings) => {
      if (!operation.body) return undefined;
      if (override.body) return override.body(bindings);
      return sampleValue(operation.body.schema, definition.schemas, bindings);
    };
    cases.push({
      call: key,
      key,
      operation,
      order,
      build: (bindings) => ({ method, path: fill(bindings), query: query(bindings), body: body(bindings) }),
      capture: override.capture,
    });
    const last = names.at(-1);
    if (method === 'GET' && last && !override.noUnknownVariant) {
      cases.push({
        call: `${key} (unknown id)`,
        key,
        operation,
        order: order + 0.5,
        build: (bindings) => ({ method, path: fill(bindings, last), query: query(bindings), body: undefined }),
      });
    }
    const nullable = optionalNonNullable(operation, definition);
    if (nullable.length > 0) {
      cases.push({
        call: `${key} (optional fields null)`,
        key,
        operation,
        // Right after the valid request: a FastAPI model reads an absent and a null Optional field alike.
        order: order + 0.25,
        build: (bindings) => {
          const valid = body(bindings) as Record<string, unknown>;
          return {
            method,
            path: fill(bindings),
            query: query(bindings),
            body: { ...valid, ...Object.fromEntries(nullable.map((name) => [name, null])) },
          };
        },
      });
    }
    if (operation.body?.required && operation.body.contentType === 'application/json' && requiresFields(operation, definition)) {
      cases.push({
        call: `${key} (invalid body)`,
        key,
        operation,
        // Before the valid request: a refused write changes nothing.
        order: order - 0.5,
        build: (bindings) => ({ method, path: fill(bindings), query: query(bindings), body: {} }),
      });
    }
  }
  return cases.sort((left, right) => left.order - right.order);
}

/** The body's optional properties whose schema does not allow null (what Python clients send for `None`). */
function optionalNonNullable(operation: OperationDefinition, definition: ServiceDefinition): string[] {
  if (operation.body?.contentType !== 'application/json') return [];
  const schema = resolve(operation.body.schema ?? undefined, definition);
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties)
    .filter(([name, property]) => !required.has(name) && !allowsNull(resolve(property, definition), definition))
    .map(([name]) => name);
}

function allowsNull(schema: JsonSchema | undefined, definition: ServiceDefinition): boolean {
  if (!schema) return true;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('null') || schema.enum?.includes(null)) return true;
  const members = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (members.some((member) => allowsNull(resolve(member, definition), definition))) return true;
  // A schema that names no type at all (`{}`) allows null too.
  return types.length === 0 && members.length === 0 && !schema.enum && !schema.properties && schema.const === undefined;
}

function isInteger(schema: JsonSchema | undefined, definition: ServiceDefinition): boolean {
  return resolve(schema, definition)?.type === 'integer';
}

function resolve(schema: JsonSchema | null | undefined, definition: ServiceDefinition): JsonSchema | undefined {
  let current = schema ?? undefined;
  for (let hops = 0; current?.$ref && hops < 20; hops += 1) current = definition.schemas[current.$ref.replace('#/components/schemas/', '')];
  return current;
}

/** Whether `{}` is an invalid body (the schema requires some field). */
function requiresFields(operation: OperationDefinition, definition: ServiceDefinition): boolean {
  return (resolve(operation.body?.schema, definition)?.required?.length ?? 0) > 0;
}
