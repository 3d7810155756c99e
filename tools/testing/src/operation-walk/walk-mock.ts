import { type JsonSchema, type OperationDefinition, type ServiceDefinition, splitOperationKey } from '@trainwire/core';
import { getResponse, type RequestHandler } from 'msw';
import { exampleValue } from './example-value.js';

/** How a mock answered one operation driven with minimal valid input. */
export interface MockAnswer {
  key: string;
  /** The status, or `'unhandled'` when no handler answered. */
  status: number | 'unhandled';
}

/** Options of {@link walkMock}. */
export interface WalkMockOptions {
  /** Where the handlers serve the API (the base URL the mock was created with). */
  baseURL: string;
  /** Sent with every request, e.g. the mock's credentials. */
  headers?: Record<string, string>;
  /** Path parameter values to use instead of made-up ones (`{ run_id: 'a-real-id' }`). */
  pathValues?: Record<string, string>;
}

/**
 * Drive every operation of `service` through the mock's handlers (msw's `getResponse`, as the
 * sandbox does) with the smallest valid request its spec allows: made-up ids in the path, required
 * query and header parameters, a minimal body. Returns how each answered.
 */
export async function walkMock(service: ServiceDefinition, handlers: RequestHandler[], options: WalkMockOptions): Promise<MockAnswer[]> {
  const answers: MockAnswer[] = [];
  for (const [key, operation] of Object.entries(service.operations)) {
    const request = exampleRequest(service, key, operation, options);
    const response = await getResponse(handlers, request);
    await response?.body?.cancel();
    answers.push({ key, status: response ? response.status : 'unhandled' });
  }
  return answers;
}

/** The smallest request the spec allows for one operation. */
export function exampleRequest(service: ServiceDefinition, key: string, operation: OperationDefinition, options: WalkMockOptions): Request {
  const { schemas } = service;
  const { method, path } = splitOperationKey(key);
  const pathValues = required(operation.params.path, schemas, true);
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(options.pathValues?.[name] ?? String(pathValues[name])),
  );
  const url = new URL(`${options.baseURL.replace(/\/+$/, '')}${filled}`);
  for (const [name, value] of Object.entries(required(operation.params.query, schemas, false))) url.searchParams.set(name, String(value));
  const headers = new Headers(options.headers);
  for (const [name, value] of Object.entries(required(operation.params.header, schemas, false))) headers.set(name, String(value));
  const body = operation.body;
  if (!body?.required) return new Request(url, { method, headers });
  if (body.contentType === 'multipart/form-data') {
    const form = new FormData();
    for (const [name, value] of Object.entries(exampleValue(body.schema, schemas) as Record<string, unknown>)) {
      form.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    return new Request(url, { method, headers, body: form });
  }
  headers.set('content-type', body.contentType);
  const content = body.contentType.includes('json') ? JSON.stringify(exampleValue(body.schema, schemas)) : 'made-up bytes';
  return new Request(url, { method, headers, body: content });
}

/** Example values of the required properties of a parameter object (all of them for path parameters). */
function required(schema: JsonSchema | null | undefined, schemas: ServiceDefinition['schemas'], all: boolean): Record<string, unknown> {
  const properties = schema?.properties ?? {};
  const names = all ? Object.keys(properties) : (schema?.required ?? []);
  return Object.fromEntries(names.map((name) => [name, exampleValue(properties[name], schemas)]));
}
