import { describe, expect, it } from 'vitest';
import { createOperationMatcher } from './operation-matcher.js';
import { guardedService } from './test-support/guarded-service.js';

describe('createOperationMatcher', () => {
  const match = createOperationMatcher(guardedService);

  it('finds the operation, its key, and decodes its path params', () => {
    expect(match('GET', '/v1/runs/run%2F1')).toEqual({
      found: {
        key: 'GET /v1/runs/{run_id}',
        operation: guardedService.operations['GET /v1/runs/{run_id}'],
        pathParams: { run_id: 'run/1' },
        undecodable: [],
      },
    });
    expect(match('post', '/v1/runs/run-1/cancel')).toMatchObject({ found: { operation: { operationId: 'cancelRun' } } });
  });

  it('names the methods a known path allows, and nothing for an unknown path', () => {
    expect(match('PUT', '/v1/runs')).toEqual({ allowed: ['GET', 'POST'] });
    expect(match('GET', '/v1/runs/a/b')).toEqual({ none: true });
    expect(match('GET', '/v1/runs/')).toEqual({ none: true });
  });

  it('prefers a literal segment to a parameter', () => {
    expect(match('GET', '/v1/runs/latest')).toMatchObject({ found: { key: 'GET /v1/runs/latest' } });
    expect(match('GET', '/v1/runs/run-1')).toMatchObject({ found: { key: 'GET /v1/runs/{run_id}' } });
  });

  it('keeps a segment that is not valid percent-encoding as sent, and says so', () => {
    expect(match('GET', '/v1/runs/%E0%A4%A')).toMatchObject({ found: { pathParams: { run_id: '%E0%A4%A' }, undecodable: ['%E0%A4%A'] } });
  });
});
