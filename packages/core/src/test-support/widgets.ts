import type { ServiceDefinition } from '../service-definition.js';

/** A tiny hand-written spec table and its `paths` types, for transport unit tests. */
export interface paths {
  '/widgets': {
    get: {
      parameters: { query?: { limit?: number; offset?: number } };
      responses: { 200: { content: { 'application/json': { widgets: Widget[]; total: number } } } };
    };
    post: {
      parameters: {};
      requestBody: { content: { 'application/json': { name: string; size?: number } } };
      responses: { 201: { content: { 'application/json': Widget } } };
    };
  };
  '/widgets/{id}': {
    get: {
      parameters: { path: { id: string } };
      responses: {
        200: { content: { 'application/json': Widget } };
        404: { content: { 'application/json': { error: { message: string } } } };
      };
    };
    delete: {
      parameters: { path: { id: string } };
      responses: { 204: { content?: never } };
    };
  };
}

export interface Widget {
  id: string;
  name: string;
  size: number | null;
}

const widget = { $ref: '#/components/schemas/Widget' };

export const widgets: ServiceDefinition = {
  name: 'widgets',
  title: 'Widgets',
  version: '1.0.0',
  servers: ['https://widgets.test'],
  auth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
  idempotencyHeader: 'Idempotency-Key',
  operations: {
    'GET /widgets': {
      operationId: 'listWidgets',
      idempotent: true,
      pagination: { style: 'offset', items: 'widgets', offsetParam: 'offset', limitParam: 'limit', total: 'total' },
      longRunning: null,
      params: {
        path: null,
        query: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 100 }, offset: { type: 'integer', minimum: 0 } },
        },
        header: null,
      },
      body: null,
      responses: {
        '200': {
          contentType: 'application/json',
          schema: {
            type: 'object',
            required: ['widgets', 'total'],
            properties: { widgets: { type: 'array', items: widget }, total: { type: 'integer' } },
          },
        },
      },
    },
    'POST /widgets': {
      operationId: 'createWidget',
      idempotent: false,
      pagination: null,
      longRunning: null,
      params: { path: null, query: null, header: null },
      body: {
        required: true,
        contentType: 'application/json',
        schema: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 }, size: { type: 'integer', minimum: 0 } },
        },
      },
      responses: { '201': { contentType: 'application/json', schema: widget } },
    },
    'GET /widgets/{id}': {
      operationId: 'getWidget',
      idempotent: true,
      pagination: null,
      longRunning: null,
      params: { path: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, query: null, header: null },
      body: null,
      responses: { '200': { contentType: 'application/json', schema: widget }, '404': { contentType: 'application/json', schema: null } },
    },
    'DELETE /widgets/{id}': {
      operationId: 'deleteWidget',
      idempotent: true,
      pagination: null,
      longRunning: null,
      params: { path: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, query: null, header: null },
      body: null,
      responses: { '204': { contentType: null, schema: null } },
    },
  },
  schemas: {
    Widget: {
      type: 'object',
      required: ['id', 'name', 'size'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, size: { type: ['integer', 'null'] } },
    },
  },
};
