import { describe, expect, it } from 'vitest';
import { checkJsonBody } from './check-json-body.js';
import { guardedService } from './test-support/guarded-service.js';

const create = guardedService.operations['POST /v1/runs']!;
const list = guardedService.operations['GET /v1/runs']!;

describe('checkJsonBody', () => {
  it('accepts a conforming body and ignores operations without one', () => {
    expect(checkJsonBody(create, '{"name":"a","rank":2}', guardedService.schemas)).toBeUndefined();
    expect(checkJsonBody(list, 'anything', guardedService.schemas)).toBeUndefined();
  });

  it('names a missing, unparsable or non-conforming body', () => {
    expect(checkJsonBody(create, '  ', guardedService.schemas)).toEqual({ path: 'body', reason: 'is required' });
    expect(checkJsonBody(create, '{', guardedService.schemas)?.reason).toMatch(/^is not valid JSON \(.+\)$/);
    expect(checkJsonBody(create, '{"name":""}', guardedService.schemas)).toEqual({
      path: 'body.name',
      reason: 'must be at least 1 characters',
    });
    expect(checkJsonBody(create, '{"name":"a","extra":1}', guardedService.schemas)).toEqual({
      path: 'body.extra',
      reason: 'is not allowed',
    });
  });
});
