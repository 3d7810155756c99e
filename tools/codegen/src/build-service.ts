import type {
  BodyDefinition,
  HttpMethod,
  OperationDefinition,
  ParamsDefinition,
  ResponseDefinition,
  ServiceDefinition,
} from '@trainwire/core';
import { readAuth } from './auth-definition.js';
import { parseConflictStatuses } from './conflict-statuses-extension.js';
import { convertSchema } from './convert-schema.js';
import { parseCrossOriginRedirects } from './cross-origin-redirects-extension.js';
import type { ParsedExtension } from './extension-issue.js';
import { parseIdempotencyHeader, parseIdempotent } from './idempotency-extensions.js';
import { dereference, isRecord } from './json-pointer.js';
import { listOperations, type OperationEntry } from './list-operations.js';
import { listParameters, type ParameterEntry } from './list-parameters.js';
import { parseLongRunning } from './long-running-extension.js';
import { parsePagination } from './pagination-extension.js';
import { preferredMedia } from './response-content.js';

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * Builds the `service` table from a bundled spec (all `$ref`s local). Expects a spec that passed
 * `validateExtensions`; an invalid extension still throws, without a location.
 */
export function buildService(name: string, spec: Record<string, unknown>): ServiceDefinition {
  const info = isRecord(spec.info) ? spec.info : {};
  const servers = Array.isArray(spec.servers) ? spec.servers : [];
  const operations: Record<string, OperationDefinition> = {};
  for (const entry of listOperations(spec)) {
    operations[`${entry.method} ${entry.path}`] = buildOperation(spec, entry);
  }
  const schemas = isRecord(spec.components) && isRecord(spec.components.schemas) ? spec.components.schemas : {};
  const conflictStatuses = expect('x-conflict-statuses', parseConflictStatuses(spec['x-conflict-statuses']));
  const crossOriginRedirects = expect('x-cross-origin-redirects', parseCrossOriginRedirects(spec['x-cross-origin-redirects']));
  return {
    name,
    title: String(info.title ?? ''),
    version: String(info.version ?? ''),
    servers: servers.filter(isRecord).map((server) => String(server.url)),
    auth: expect('security', readAuth(spec)),
    idempotencyHeader: expect('x-idempotency-header', parseIdempotencyHeader(spec['x-idempotency-header'])),
    // Only when declared, so a spec without it generates what it did before.
    ...(conflictStatuses === null ? {} : { conflictStatuses }),
    ...(crossOriginRedirects === null ? {} : { crossOriginRedirects }),
    operations,
    schemas: Object.fromEntries(Object.entries(schemas).map(([schemaName, schema]) => [schemaName, convertSchema(schema, spec)])),
  };
}

/**
 * One operation, leaving out what the key already says (method, path) and every field that would
 * say "none" or the default (FORMAT.md): the table ships in every bundle.
 */
function buildOperation(spec: Record<string, unknown>, entry: OperationEntry): OperationDefinition {
  const { operation, method, path } = entry;
  const where = `${method} ${path}`;
  const { parameters } = listParameters(spec, entry);
  const idempotent = expect(`x-idempotent of ${where}`, parseIdempotent(operation['x-idempotent']));
  const conflictStatuses = expect(`x-conflict-statuses of ${where}`, parseConflictStatuses(operation['x-conflict-statuses']));
  const crossOriginRedirects = expect(
    `x-cross-origin-redirects of ${where}`,
    parseCrossOriginRedirects(operation['x-cross-origin-redirects']),
  );
  const pagination = operation['x-pagination'];
  const longRunning = operation['x-long-running'];
  const body = buildBody(spec, operation.requestBody);
  return {
    operationId: String(operation.operationId ?? ''),
    ...(idempotent === null || idempotent === IDEMPOTENT_METHODS.has(method) ? {} : { idempotent }),
    ...(conflictStatuses === null ? {} : { conflictStatuses }),
    ...(crossOriginRedirects === null ? {} : { crossOriginRedirects }),
    ...(pagination === undefined ? {} : { pagination: expect(`x-pagination of ${where}`, parsePagination(pagination, null)) }),
    ...(longRunning === undefined ? {} : { longRunning: expect(`x-long-running of ${where}`, parseLongRunning(longRunning, null)) }),
    params: buildParams(spec, parameters),
    ...(body === null ? {} : { body }),
    responses: buildResponses(spec, operation.responses),
  };
}

function buildParams(spec: Record<string, unknown>, parameters: readonly ParameterEntry[]): ParamsDefinition {
  const params: { -readonly [Location in keyof ParamsDefinition]: ParamsDefinition[Location] } = {};
  for (const location of ['path', 'query', 'header'] as const) {
    const members = parameters.filter((parameter) => parameter.in === location);
    if (members.length === 0) continue;
    const key = (parameter: ParameterEntry): string => (location === 'header' ? parameter.name.toLowerCase() : parameter.name);
    const properties = Object.fromEntries(members.map((member) => [key(member), convertSchema(member.schema, spec)]));
    const required = members.filter((member) => member.required).map(key);
    params[location] = required.length > 0 ? { type: 'object', properties, required } : { type: 'object', properties };
  }
  return params;
}

function buildBody(spec: Record<string, unknown>, raw: unknown): BodyDefinition | null {
  const requestBody = dereference(spec, raw);
  if (!isRecord(requestBody)) return null;
  const media = preferredMedia(requestBody.content);
  if (media === null) return null;
  const others = Object.keys(requestBody.content as Record<string, unknown>).filter((type) => type !== media.contentType);
  return {
    ...(requestBody.required === true ? { required: true } : {}),
    contentType: media.contentType,
    ...(others.length === 0 ? {} : { otherContentTypes: others }),
    ...(media.schema === undefined ? {} : { schema: convertSchema(media.schema, spec) }),
  };
}

function buildResponses(spec: Record<string, unknown>, raw: unknown): Record<string, ResponseDefinition> {
  if (!isRecord(raw)) return {};
  const responses: Record<string, ResponseDefinition> = {};
  for (const [status, value] of Object.entries(raw)) {
    if (status.startsWith('x-')) continue;
    const response = dereference(spec, value);
    const media = isRecord(response) ? preferredMedia(response.content) : null;
    responses[status] =
      media === null
        ? {}
        : { contentType: media.contentType, ...(media.schema === undefined ? {} : { schema: convertSchema(media.schema, spec) }) };
  }
  return responses;
}

/** Unwraps a parsed extension, throwing its issues (validation normally reports them first, located). */
function expect<T>(what: string, parsed: ParsedExtension<T>): T | null {
  if (parsed.issues.length > 0) {
    throw new Error(`invalid ${what}: ${parsed.issues.map((issue) => issue.message).join('; ')}`);
  }
  return parsed.value;
}
