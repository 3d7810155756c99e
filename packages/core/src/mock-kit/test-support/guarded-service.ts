import type { ServiceDefinition } from '../../service-definition.js';

/** A small hand-written operation table for the spec guard's tests. */
export const guardedService: ServiceDefinition = {
  name: 'guarded',
  title: 'Guarded API',
  version: '1.0.0',
  servers: [],
  auth: null,
  idempotencyHeader: null,
  operations: {
    'GET /v1/runs': {
      operationId: 'listRuns',
      params: {
        query: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            done: { type: 'boolean' },
            tag: { type: 'array', items: { type: 'string', minLength: 1 } },
          },
        },
        header: { type: 'object', properties: { 'x-trace': { type: 'string', pattern: '^[a-z]+$' } } },
      },
      responses: { '200': { contentType: 'application/json' } },
    },
    'POST /v1/runs': {
      operationId: 'createRun',
      idempotent: false,
      params: {},
      body: {
        required: true,
        contentType: 'application/json',
        otherContentTypes: ['application/x-protobuf'],
        schema: { $ref: '#/components/schemas/RunCreate' },
      },
      responses: { '201': { contentType: 'application/json' } },
    },
    'GET /v1/runs/{run_id}': {
      operationId: 'getRun',
      params: { path: { type: 'object', properties: { run_id: { type: 'string', minLength: 1 } }, required: ['run_id'] } },
      responses: { '200': { contentType: 'application/json' } },
    },
    'GET /v1/runs/latest': {
      operationId: 'getLatestRun',
      params: {},
      responses: { '200': { contentType: 'application/json' } },
    },
    'POST /v1/runs/{run_id}/cancel': {
      operationId: 'cancelRun',
      params: { path: { type: 'object', properties: { run_id: { type: 'string', minLength: 1 } }, required: ['run_id'] } },
      responses: { '204': {} },
    },
    'PUT /v1/runs/{run_id}/file': {
      operationId: 'putFile',
      params: { path: { type: 'object', properties: { run_id: { type: 'string' } }, required: ['run_id'] } },
      body: { required: true, contentType: 'application/octet-stream' },
      responses: { '204': {} },
    },
    'GET /v1/steps/{step}': {
      operationId: 'getStep',
      params: { path: { type: 'object', properties: { step: { type: 'integer', minimum: 0 } }, required: ['step'] } },
      responses: { '200': { contentType: 'application/json' } },
    },
  },
  schemas: {
    RunCreate: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, rank: { type: 'integer', minimum: 1 } },
      required: ['name'],
      additionalProperties: false,
    },
  },
};
