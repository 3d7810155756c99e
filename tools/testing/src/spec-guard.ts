import { type JsonSchema, type OperationDefinition, type ServiceDefinition, splitOperationKey, validate } from '@trainwire/core';
import { type HttpHandler, http } from 'msw';

/** An msw handler that checks every request against a service's operation table and never answers. */
export type SpecGuard = HttpHandler & {
  /** One line per request the spec forbids: `METHOD /path: where: why`. */
  readonly violations: string[];
  /** The operation key (`'GET /v1/runs/{id}'`) of every request checked, in order; `null` for none. */
  readonly checked: (string | null)[];
};

interface Match {
  /** The operation key, `'GET /v1/runs/{id}'`. */
  key: string;
  operation: OperationDefinition;
  path: Record<string, string>;
}

/**
 * Put first in a mock's handler list: every request under `baseURL` is matched to an operation of
 * `service` and its path, query and header params and JSON body are validated against the spec;
 * any mismatch (or a request to no operation) lands in `guard.violations`. The guard never
 * answers: its predicate returns false, so msw goes on to the next handler, and a request no
 * handler answers stays unhandled (a resolver returning `undefined` would instead let msw send it
 * to the network).
 */
export function specGuard(service: ServiceDefinition, baseURL: string): SpecGuard {
  const base = new URL(baseURL);
  const basePath = base.pathname.replace(/\/+$/, '');
  const violations: string[] = [];
  const checked: (string | null)[] = [];
  const handler = http.all(
    async ({ request }) => {
      const url = new URL(request.url);
      if (url.origin !== base.origin || !(url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))) return false;
      const where = `${request.method} ${url.pathname}${url.search}`;
      const report = (problem: string) => violations.push(`${where}: ${problem}`);
      const match = findOperation(service, request.method, url.pathname.slice(basePath.length), report);
      checked.push(match ? match.key : null);
      if (match) await checkRequest(service, match, request.clone(), url, report);
      return false;
    },
    () => undefined,
  );
  return Object.assign(handler, { violations, checked });
}

function findOperation(service: ServiceDefinition, method: string, path: string, report: (problem: string) => void): Match | undefined {
  const segments: string[] = [];
  for (const raw of path.split('/').slice(1)) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      report(`path segment ${JSON.stringify(raw)} is not valid percent-encoding`);
      return undefined;
    }
  }
  let best: { match: Match; literals: number } | undefined;
  for (const [key, operation] of Object.entries(service.operations)) {
    const target = splitOperationKey(key);
    if (target.method !== method.toUpperCase()) continue;
    const template = target.path.split('/').slice(1);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const matches = template.every((part, index) => {
      const segment = segments[index] as string;
      const name = /^\{([^{}]+)\}$/.exec(part)?.[1];
      if (name === undefined) {
        literals++;
        return part === segment;
      }
      params[name] = segment;
      return segment !== '';
    });
    if (matches && (!best || literals > best.literals)) best = { match: { key, operation, path: params }, literals };
  }
  if (!best) report(`no operation of ${service.name} is ${method.toUpperCase()} ${path || '/'}`);
  return best?.match;
}

async function checkRequest(
  service: ServiceDefinition,
  { operation, path }: Match,
  request: Request,
  url: URL,
  report: (problem: string) => void,
) {
  const { schemas } = service;
  const check = (schema: JsonSchema | null | undefined, value: unknown, location: string, rejectAdditional: boolean) => {
    const issue = validate(schema, value, schemas, { rejectAdditional }, location);
    if (issue) report(`${issue.path}: ${issue.reason}`);
  };
  check(operation.params.path, fromText(operation.params.path, path, schemas), 'path', false);

  const query = operation.params.query;
  const declared = query?.properties ?? {};
  const given: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    if (!(name in declared) && query?.additionalProperties === undefined)
      report(`query.${name}: is not a parameter of ${operation.operationId}`);
    given[name] = [...(given[name] ?? []), value];
  }
  for (const [name, values] of Object.entries(given)) {
    if (values.length > 1 && !typesOf(declared[name], schemas).includes('array')) report(`query.${name}: is given ${values.length} times`);
  }
  check(query, fromText(query, given, schemas), 'query', false);

  const header = operation.params.header;
  const headers: Record<string, string> = {};
  for (const name of Object.keys(header?.properties ?? {})) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  check(header, fromText(header, headers, schemas), 'header', false);

  const text = await request.text();
  if (!operation.body) {
    if (text !== '') report(`body: ${operation.operationId} takes no body`);
    return;
  }
  if (text === '') {
    if (operation.body.required) report('body: is required');
    return;
  }
  const contentType = request.headers.get('content-type') ?? '';
  const expected = operation.body.contentType;
  // Another media type the operation declares (protobuf...): the JSON schema does not describe its bytes.
  if (operation.body.otherContentTypes?.some((type) => contentType.toLowerCase().startsWith(type))) return;
  if (!contentType.toLowerCase().startsWith(expected)) report(`body: sent as ${JSON.stringify(contentType)}, the spec says ${expected}`);
  if (!expected.includes('json')) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    report('body: is not valid JSON');
    return;
  }
  check(operation.body.schema, body, 'body', true);
}

/**
 * Read wire text (path segments, query values, headers) as the JSON value the schema expects:
 * `"8"` as 8 for an integer, `"true"` as true, repeated query keys as an array.
 */
function fromText(schema: JsonSchema | null | undefined, values: Record<string, string | string[]>, schemas: ServiceDefinition['schemas']) {
  const properties = resolve(schema, schemas)?.properties ?? {};
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const property = resolve(properties[name], schemas);
    const items = Array.isArray(value) ? value : [value];
    result[name] = typesOf(property, schemas).includes('array')
      ? items.map((item) => readText(resolve(property?.items, schemas), item, schemas))
      : readText(property, items[0] as string, schemas);
  }
  return result;
}

function readText(schema: JsonSchema | undefined, text: string, schemas: ServiceDefinition['schemas']): unknown {
  const candidates: unknown[] = [text];
  if (text.trim() !== '' && !Number.isNaN(Number(text))) candidates.push(Number(text));
  if (text === 'true' || text === 'false') candidates.push(text === 'true');
  if (text === 'null') candidates.push(null);
  const fits = candidates.findIndex((candidate) => validate(schema, candidate, schemas) === undefined);
  if (fits !== -1) return candidates[fits];
  const types = typesOf(schema, schemas);
  return candidates.find((candidate) => types.includes(typeof candidate === 'number' ? 'number' : typeof candidate)) ?? text;
}

function typesOf(schema: JsonSchema | undefined, schemas: ServiceDefinition['schemas']): string[] {
  const resolved = resolve(schema, schemas);
  if (!resolved) return [];
  const own = resolved.type === undefined ? [] : Array.isArray(resolved.type) ? resolved.type : [resolved.type];
  const alternatives = [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.allOf ?? [])];
  return [...own.map((type) => (type === 'integer' ? 'number' : type)), ...alternatives.flatMap((part) => typesOf(part, schemas))];
}

function resolve(schema: JsonSchema | null | undefined, schemas: ServiceDefinition['schemas']): JsonSchema | undefined {
  if (!schema?.$ref) return schema ?? undefined;
  return resolve(schemas[schema.$ref.replace('#/components/schemas/', '')], schemas);
}
