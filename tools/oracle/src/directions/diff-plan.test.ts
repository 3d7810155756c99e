import type { ServiceDefinition } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { planDiff } from './diff-plan.js';

const definition: ServiceDefinition = {
  name: 'example',
  title: 'Example',
  version: '1',
  servers: [],
  auth: null,
  idempotencyHeader: null,
  schemas: {
    Connect: {
      type: 'object',
      required: ['host'],
      properties: {
        host: { type: 'string' },
        port: { type: 'integer' },
        key_path: { type: ['string', 'null'] },
        password: { type: 'string' },
      },
    },
  },
  operations: {
    'DELETE /things/{name}/v{version}': { operationId: 'deleteThing', params: {}, responses: { '200': {} } },
    'GET /things/{name}/v{version}': {
      operationId: 'getThing',
      params: { path: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' } } } },
      responses: { '200': {} },
    },
    'POST /connect': {
      operationId: 'connect',
      params: {},
      body: { required: true, contentType: 'application/json', schema: { $ref: '#/components/schemas/Connect' } },
      responses: { '200': {} },
    },
  },
};

describe('planDiff', () => {
  const cases = planDiff(definition, { connect: { order: 60 } });
  const bindings = { name: 'model', version: 2, host: '127.0.0.1', port: 2222 };

  it('covers every operation of the table, reads first and deletions last, with its error variants', () => {
    expect(cases.map((item) => item.call)).toEqual([
      'GET /things/{name}/v{version}',
      'GET /things/{name}/v{version} (unknown id)',
      'POST /connect (invalid body)',
      'POST /connect',
      'POST /connect (optional fields null)',
      'DELETE /things/{name}/v{version}',
    ]);
  });

  it('fills path parameters from the side’s bindings, and an unknown id of the parameter’s type', () => {
    const [valid, unknown] = cases;
    expect(valid?.build(bindings).path).toBe('/things/model/v2');
    expect(unknown?.build(bindings).path).toBe('/things/model/v987654');
  });

  it('sends the required fields and the bound optional ones; then the non-nullable optional ones as null; then {}', () => {
    const byCall = Object.fromEntries(cases.map((item) => [item.call, item.build(bindings).body]));
    expect(byCall['POST /connect']).toEqual({ host: '127.0.0.1', port: 2222 });
    expect(byCall['POST /connect (optional fields null)']).toEqual({ host: '127.0.0.1', port: null, password: null });
    expect(byCall['POST /connect (invalid body)']).toEqual({});
  });
});
