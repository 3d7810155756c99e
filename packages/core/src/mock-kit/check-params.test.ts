import { describe, expect, it } from 'vitest';
import { checkParams } from './check-params.js';
import { guardedService } from './test-support/guarded-service.js';

const list = guardedService.operations['GET /v1/runs']!;
const step = guardedService.operations['GET /v1/steps/{step}']!;
const url = (query: string) => new URL(`https://guard.trainwire.test/v1/runs${query}`);

describe('checkParams', () => {
  it('checks each location against its schema, first issue per location', () => {
    expect(checkParams(step, { step: '-1' }, url(''), new Headers(), guardedService.schemas)).toEqual([
      { path: 'path.step', reason: 'must be >= 0, got -1' },
    ]);
    const issues = checkParams(list, {}, url('?limit=0&done=maybe'), new Headers({ 'x-trace': 'UP' }), guardedService.schemas);
    expect(issues).toEqual([
      { path: 'query.limit', reason: 'must be >= 1, got 0' },
      { path: 'header.x-trace', reason: 'must match /^[a-z]+$/' },
    ]);
  });

  it('tolerates undeclared and repeated query parameters unless strict, as a server does', () => {
    const lenient = checkParams(list, {}, url('?limit=1&limit=2&page=3'), new Headers(), guardedService.schemas);
    expect(lenient).toEqual([]);
    const strict = checkParams(list, {}, url('?limit=1&limit=2&page=3'), new Headers(), guardedService.schemas, { strict: true });
    expect(strict).toEqual([
      { path: 'query.limit', reason: 'is given 2 times' },
      { path: 'query.page', reason: 'is not a parameter of listRuns' },
    ]);
  });

  it('reads the last of repeated scalar values, as FastAPI does', () => {
    expect(checkParams(list, {}, url('?limit=0&limit=5'), new Headers(), guardedService.schemas)).toEqual([]);
    expect(checkParams(list, {}, url('?limit=5&limit=0'), new Headers(), guardedService.schemas)).toHaveLength(1);
  });
});
