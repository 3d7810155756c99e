import { type JsonSchema, type ServiceDefinition, validate } from '@trainwire/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { service as conformance } from '../../../packages/conformance/src/generated/conformance.js';
import { service as jobs } from '../../../packages/jobs/src/generated/jobs-service.js';
import { service as metrics } from '../../../packages/metrics/src/generated/metrics-service.js';
import { service as runicorn } from '../../../packages/metrics/src/generated/runicorn-service.js';
import { service as tensafe } from '../../../packages/tinker/src/generated/tensafe-service.js';
import { service as tinker } from '../../../packages/tinker/src/generated/tinker-service.js';
import { compileChecks } from './compile-checks.js';

const REF = '#/components/schemas/';

/** A value that conforms to `schema` when one is easy to make (first enum value, required fields, one item). */
function sample(schema: JsonSchema | undefined, schemas: ServiceDefinition['schemas'], depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.$ref) return sample(schemas[schema.$ref.slice(REF.length)], schemas, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sample(part, schemas, depth + 1)));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.[0]) return sample(alternatives[0], schemas, depth + 1);
  const type = typeof schema.type === 'string' ? schema.type : schema.type?.[0];
  switch (type) {
    case 'string':
      return 'x'.repeat(schema.minLength ?? 1);
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum === undefined ? 0 : schema.exclusiveMinimum + 1);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, (_, index) =>
        sample(schema.prefixItems?.[index] ?? schema.items, schemas, depth + 1),
      );
    default:
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, part]) => [key, sample(part, schemas, depth + 1)]));
  }
}

/** Every path to a value inside `value`, with a setter. */
function leaves(value: unknown, set: (next: unknown) => unknown = (next) => next): ((next: unknown) => unknown)[] {
  const found = [set];
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const copy = (next: unknown) => {
        const clone = Array.isArray(value) ? [...value] : { ...(value as object) };
        (clone as Record<string, unknown>)[key] = next;
        return set(clone);
      };
      found.push(...leaves((value as Record<string, unknown>)[key], copy));
    }
  }
  return found;
}

const services = { conformance, jobs, metrics, runicorn, tensafe, tinker };

describe('compiled response checks', () => {
  it('emit plain code: no eval, no new Function', () => {
    for (const service of Object.values(services)) {
      const { code } = compileChecks(service);
      if (service === runicorn) continue;
      expect(code).toContain('function is');
      expect(code).not.toMatch(/\beval\(|new Function|Function\(/);
    }
  });

  for (const [name, service] of Object.entries(services)) {
    it(`accept exactly what validate accepts in the ${name} table (samples, every leaf replaced, random JSON)`, () => {
      const checks = Object.entries(service.operations).flatMap(([key, operation]) =>
        Object.entries(operation.responses).flatMap(([status, { schema, check }]) =>
          check && schema ? [{ key, status, check, schema }] : [],
        ),
      );
      // runicorn's table is generated without compiled checks (codegen.config.json).
      if (name === 'runicorn') return;
      expect(checks.length).toBeGreaterThan(0);
      const agree = (check: (value: unknown) => boolean, schema: JsonSchema, value: unknown, where: string) => {
        const issue = validate(schema, value, service.schemas);
        if (check(value) !== (issue === undefined))
          throw new Error(`${where}: check ${check(value)}, validate ${JSON.stringify(issue)}, value ${JSON.stringify(value)}`);
      };
      const replacements: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], {}, [null], { a: 1 }, 'queued', 1e9];
      for (const { key, status, check, schema } of checks) {
        const base = sample(schema, service.schemas);
        agree(check, schema, base, `${key} ${status} sample`);
        for (const set of leaves(base))
          for (const next of [...replacements, undefined]) agree(check, schema, set(next), `${key} ${status}`);
      }
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 3 }), fc.nat(checks.length - 1), (value, index) => {
          const { key, status, check, schema } = checks[index] as (typeof checks)[number];
          agree(check, schema, value, `${key} ${status} random`);
        }),
        { numRuns: 2000 },
      );
    });
  }
});
