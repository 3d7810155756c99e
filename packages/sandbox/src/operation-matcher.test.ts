import { conformanceService as service } from '@trainwire/conformance/msw';
import type { ServiceDefinition } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { createOperationMatcher } from './operation-matcher.js';

describe('createOperationMatcher', () => {
  const match = createOperationMatcher(conformance());

  it('finds the operation and decodes its path params', () => {
    expect(match('GET', '/v1/runs/run%2F1')).toMatchObject({
      found: { operation: { operationId: 'getRun' }, pathParams: { run_id: 'run/1' } },
    });
    expect(match('post', '/v1/runs/run-1/steps')).toMatchObject({ found: { operation: { operationId: 'submitStep' } } });
  });

  it('names the methods a known path allows, and nothing for an unknown path', () => {
    expect(match('PUT', '/v1/runs')).toEqual({ allowed: ['GET', 'POST'] });
    expect(match('GET', '/v1/runs/a/b')).toEqual({ none: true });
    expect(match('GET', '/v1/runs/')).toEqual({ none: true });
  });

  it('prefers a literal segment to a parameter', () => {
    const definition = conformance();
    const latest = { ...definition.operations['GET /v1/runs/{run_id}'], operationId: 'latestRun' };
    const withLatest = createOperationMatcher({
      ...definition,
      operations: { ...definition.operations, 'GET /v1/runs/latest': latest } as never,
    });
    expect(withLatest('GET', '/v1/runs/latest')).toMatchObject({ found: { operation: { operationId: 'latestRun' } } });
    expect(withLatest('GET', '/v1/runs/run-1')).toMatchObject({ found: { operation: { operationId: 'getRun' } } });
  });
});

function conformance(): ServiceDefinition {
  return service;
}
