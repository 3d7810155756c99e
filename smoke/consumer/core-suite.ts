// The core part of the consumer smoke test: @trainwire/core alone, against the tiny items service
// of smoke/lib/core-server.mjs, through a hand-written operation table (what codegen writes for a
// service package). It proves the published core works on this runtime: paging, an idempotent write
// retried after a 503, typed errors, validation before sending, and a polled future.
import {
  AuthenticationError,
  createTransport,
  Future,
  fixedInterval,
  InvalidRequestError,
  NotFoundError,
  type ServiceDefinition,
  schemaValidator,
  withPagination,
} from '@trainwire/core';
import { check, type StepListener, type StepResult, Steps } from './steps.js';

interface Item {
  id: string;
  name: string;
}
interface ItemsPage {
  items: Item[];
  total: number;
}
interface Job {
  id: string;
  status: 'queued' | 'running' | 'done';
  result?: { count: number };
}
interface ErrorBody {
  error: { code: string; message: string };
}
type Json<Body> = { headers: { [name: string]: unknown }; content: { 'application/json': Body } };
type NoParameters = { query?: never; header?: never; path?: never; cookie?: never };
type IdParameter = { query?: never; header?: never; path: { id: string }; cookie?: never };

/** The items service's paths, in the shape openapi-typescript writes. */
interface ItemsPaths {
  '/v1/items': {
    parameters: NoParameters;
    get: {
      parameters: { query?: { offset?: number; limit?: number }; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<ItemsPage>; 401: Json<ErrorBody> };
    };
    post: {
      parameters: NoParameters;
      requestBody: { content: { 'application/json': { name: string } } };
      responses: { 201: Json<Item>; 400: Json<ErrorBody>; 401: Json<ErrorBody> };
    };
  };
  '/v1/items/{id}': {
    parameters: IdParameter;
    get: { parameters: IdParameter; requestBody?: never; responses: { 200: Json<Item>; 404: Json<ErrorBody> } };
  };
  '/v1/jobs': {
    parameters: NoParameters;
    post: { parameters: NoParameters; requestBody?: never; responses: { 202: Json<Job> } };
  };
  '/v1/jobs/{id}': {
    parameters: IdParameter;
    get: { parameters: IdParameter; requestBody?: never; responses: { 200: Json<Job>; 404: Json<ErrorBody> } };
  };
}

const json = (ref: string) => ({ contentType: 'application/json', schema: { $ref: `#/components/schemas/${ref}` } });
const idPath = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

/** The items service's operation table, in the shape @trainwire/codegen writes. */
const itemsService: ServiceDefinition = {
  name: 'items',
  title: 'Items',
  version: '1.0.0',
  servers: ['https://items.trainwire.test'],
  auth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
  idempotencyHeader: 'Idempotency-Key',
  operations: {
    'GET /v1/items': {
      operationId: 'listItems',
      pagination: { style: 'offset', items: 'items', offsetParam: 'offset', limitParam: 'limit', total: 'total' },
      params: {
        query: {
          type: 'object',
          properties: { offset: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 100 } },
        },
      },
      responses: { '200': json('ItemsPage'), '401': json('Error') },
    },
    'POST /v1/items': {
      operationId: 'createItem',
      params: {},
      body: { required: true, contentType: 'application/json', schema: { $ref: '#/components/schemas/CreateItem' } },
      responses: { '201': json('Item'), '400': json('Error'), '401': json('Error') },
    },
    'GET /v1/items/{id}': {
      operationId: 'getItem',
      params: { path: idPath },
      responses: { '200': json('Item'), '404': json('Error') },
    },
    'POST /v1/jobs': {
      operationId: 'createJob',
      longRunning: { id: 'id', poll: 'getJob', protocol: 'poll' },
      params: {},
      responses: { '202': json('Job') },
    },
    'GET /v1/jobs/{id}': {
      operationId: 'getJob',
      params: { path: idPath },
      responses: { '200': json('Job'), '404': json('Error') },
    },
  },
  schemas: {
    Item: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' } },
      required: ['id', 'name'],
    },
    CreateItem: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] },
    ItemsPage: {
      type: 'object',
      properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Item' } }, total: { type: 'integer' } },
      required: ['items', 'total'],
    },
    Job: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        status: { enum: ['queued', 'running', 'done'] },
        result: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] },
      },
      required: ['id', 'status'],
    },
    Error: {
      type: 'object',
      properties: {
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' } },
          required: ['code', 'message'],
        },
      },
      required: ['error'],
    },
  },
};

/** Where the items service runs (the `SMOKE_CORE_*` lines core-server.mjs prints). */
export interface CoreTarget {
  baseURL: string;
  apiKey: string;
}

/** Run the core steps against the items service. */
export async function runCoreSuite(target: CoreTarget, listener?: StepListener): Promise<StepResult[]> {
  const steps = new Steps('core', listener);
  // Paging and the JSON-schema check are separate imports of core, as in a service package.
  const transport = withPagination(
    createTransport<ItemsPaths>({
      definition: itemsService,
      baseURL: target.baseURL,
      apiKey: target.apiKey,
      maxRetries: 2,
      logLevel: 'error',
      userAgent: 'trainwire-smoke/0.0.0',
      validator: schemaValidator,
    }),
  );

  await steps.step('page through every item (offset)', async () => {
    const names: string[] = [];
    let pages = 0;
    for await (const page of transport.paginate('get', '/v1/items', { params: { query: { limit: 3 } } }).pages()) {
      pages += 1;
      names.push(...page.items.map((item) => item.name));
    }
    check(names.length >= 7 && pages >= 3, `expected at least 7 items over 3 pages, got ${names.length} over ${pages}`);
    return `${names.length} items in ${pages} pages`;
  });

  await steps.step('idempotent write survives a lost answer', async () => {
    const before = await transport.request('get', '/v1/items', { params: { query: { limit: 1 } } });
    const created = await transport.request('post', '/v1/items', { body: { name: 'smoke' } });
    const after = await transport.request('get', '/v1/items', { params: { query: { limit: 1 } } });
    check(created.name === 'smoke', `created item named ${created.name}`);
    check(after.total === before.total + 1, `the server holds ${after.total - before.total} new items, expected exactly 1`);
    return `${created.id} written once across 2 attempts`;
  });

  await steps.step('typed errors: 404 and 401', async () => {
    const missing = await transport.request('get', '/v1/items/{id}', { params: { path: { id: 'nope' } } }).catch((error: unknown) => error);
    check(missing instanceof NotFoundError, `expected NotFoundError, got ${String(missing)}`);
    check(missing.status === 404, `expected status 404, got ${missing.status}`);
    const stranger = createTransport<ItemsPaths>({
      definition: itemsService,
      baseURL: target.baseURL,
      apiKey: 'wrong-key-0000000000',
      logLevel: 'error',
    });
    const denied = await stranger.request('get', '/v1/items', { params: { query: {} } }).catch((error: unknown) => error);
    check(denied instanceof AuthenticationError, `expected AuthenticationError, got ${String(denied)}`);
    check(!String(denied.message).includes('wrong-key-0000000000'), 'the rejected key appears in the error message');
    return 'NotFoundError 404, AuthenticationError 401 (key redacted)';
  });

  await steps.step('bad input fails before sending', async () => {
    const invalid = await transport.request('get', '/v1/items', { params: { query: { limit: 0 } } }).catch((error: unknown) => error);
    check(invalid instanceof InvalidRequestError, `expected InvalidRequestError, got ${String(invalid)}`);
    return `InvalidRequestError: ${invalid.message}`;
  });

  await steps.step('a polled future resolves', async () => {
    const job = await transport.request('post', '/v1/jobs', {});
    const states: string[] = [];
    const future = new Future<Job>({
      id: job.id,
      strategy: fixedInterval(10),
      poll: async ({ signal }) => {
        const current = await transport.request('get', '/v1/jobs/{id}', { params: { path: { id: job.id } } }, { signal });
        states.push(current.status);
        return current.status === 'done' ? { state: 'done', value: current } : { state: 'pending', progress: current.status };
      },
    });
    const done = await future.result({ timeout: 10_000 });
    check(done.result !== undefined && done.result.count >= 8, `expected a result counting the items, got ${JSON.stringify(done)}`);
    return `${states.join(' → ')} after ${states.length} polls`;
  });

  return steps.results;
}
