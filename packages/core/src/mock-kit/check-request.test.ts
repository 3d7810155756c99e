import { describe, expect, it } from 'vitest';
import { createRequestChecker, type GuardedRequest } from './check-request.js';
import { guardedService } from './test-support/guarded-service.js';

const BASE = 'https://guard.trainwire.test/api';
const check = createRequestChecker(guardedService, BASE);

function request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): GuardedRequest {
  return { method, url: new URL(`${BASE}${path}`), headers: new Headers(init.headers), body: init.body ?? '' };
}
/** The issues of a request, as `path: reason` lines. */
const issues = (method: string, path: string, init?: Parameters<typeof request>[2]) =>
  check(request(method, path, init))?.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.reason}` : issue.reason));
const json = (body: string) => ({ body, headers: { 'content-type': 'application/json' } });

describe('createRequestChecker', () => {
  it('passes a request the spec allows and names its operation', () => {
    const result = check(request('GET', '/v1/runs?limit=5&done=true&tag=a&tag=b', { headers: { 'x-trace': 'abc' } }));
    expect(result).toEqual({ match: expect.objectContaining({ key: 'GET /v1/runs' }), issues: [] });
    expect(issues('POST', '/v1/runs', json('{"name":"lora","rank":8}'))).toEqual([]);
  });

  it('decodes a path segment once, so an encoded slash, `?`, `#` or `%` stays inside one parameter', () => {
    const result = check(request('GET', `/v1/runs/${encodeURIComponent('a/b?c#d%e ü:')}`));
    expect(result?.match).toMatchObject({ key: 'GET /v1/runs/{run_id}', pathParams: { run_id: 'a/b?c#d%e ü:' } });
    expect(result?.issues).toEqual([]);
  });

  it('prefers the literal route and reads integer path parameters as numbers', () => {
    expect(check(request('GET', '/v1/runs/latest'))?.match?.key).toBe('GET /v1/runs/latest');
    expect(issues('GET', '/v1/steps/12')).toEqual([]);
    expect(issues('GET', '/v1/steps/-1')).toEqual(['path.step: must be >= 0, got -1']);
    expect(issues('GET', '/v1/steps/twelve')).toEqual(['path.step: expected integer, got string "twelve"']);
  });

  it('names a request to no operation, a raw slash in a parameter and broken percent-encoding', () => {
    expect(issues('GET', '/v1/nothing')).toEqual(['no operation of guarded is GET /v1/nothing']);
    expect(issues('DELETE', '/v1/runs')).toEqual(['no operation of guarded is DELETE /v1/runs']);
    expect(issues('GET', '/v1/runs/a/b')).toEqual(['no operation of guarded is GET /v1/runs/a/b']);
    expect(issues('GET', '/v1/runs/')).toEqual(['no operation of guarded is GET /v1/runs/']);
    expect(issues('GET', '/v1/runs/%E0%A4%A')).toEqual(['path: segment "%E0%A4%A" is not valid percent-encoding']);
  });

  it('checks query values, and refuses undeclared or repeated ones', () => {
    expect(issues('GET', '/v1/runs?limit=0')).toEqual(['query.limit: must be >= 1, got 0']);
    expect(issues('GET', '/v1/runs?limit=abc')).toEqual(['query.limit: expected integer, got string "abc"']);
    expect(issues('GET', '/v1/runs?done=yes')).toEqual(['query.done: expected boolean, got string "yes"']);
    expect(issues('GET', '/v1/runs?tag=')).toEqual(['query.tag[0]: must be at least 1 characters']);
    expect(issues('GET', '/v1/runs?limit=1&limit=2')).toEqual(['query.limit: is given 2 times']);
    expect(issues('GET', '/v1/runs?page=2')).toEqual(['query.page: is not a parameter of listRuns']);
  });

  it('checks declared headers', () => {
    expect(issues('GET', '/v1/runs', { headers: { 'x-trace': 'ABC' } })).toEqual(['header.x-trace: must match /^[a-z]+$/']);
  });

  it('checks the body: required fields, types, extra fields, syntax, media type, presence, absence', () => {
    expect(issues('POST', '/v1/runs', json('{"rank":8}'))).toEqual(['body.name: is required']);
    expect(issues('POST', '/v1/runs', json('{"name":"a","rank":"8"}'))).toEqual(['body.rank: expected integer, got string "8"']);
    expect(issues('POST', '/v1/runs', json('{"name":"a","colour":"red"}'))).toEqual(['body.colour: is not allowed']);
    expect(issues('POST', '/v1/runs', json('{"name":'))).toEqual([expect.stringMatching(/^body: is not valid JSON \(.+\)$/)]);
    expect(issues('POST', '/v1/runs', { body: '{"name":"a"}', headers: { 'content-type': 'text/plain' } })).toEqual([
      'body: sent as "text/plain", the spec says application/json',
    ]);
    expect(issues('POST', '/v1/runs')).toEqual(['body: is required']);
    expect(issues('POST', '/v1/runs/run-1/cancel', json('{}'))).toEqual(['body: cancelRun takes no body']);
    expect(issues('PUT', '/v1/runs/r/file')).toEqual(['body: is required']);
    expect(issues('PUT', '/v1/runs/r/file', { body: 'bytes', headers: { 'content-type': 'application/octet-stream' } })).toEqual([]);
  });

  it('lets through a body of another media type the operation declares, unchecked, and still refuses an undeclared one', () => {
    const bytes = '\u0000\u0001not json';
    expect(issues('POST', '/v1/runs', { body: bytes, headers: { 'content-type': 'application/x-protobuf' } })).toEqual([]);
    expect(issues('POST', '/v1/runs', { body: bytes, headers: { 'content-type': 'application/x-msgpack' } })).toEqual([
      'body: sent as "application/x-msgpack", the spec says application/json',
      expect.stringMatching(/^body: is not valid JSON/),
    ]);
  });

  it('leaves requests outside the base URL alone', () => {
    expect(check({ ...request('GET', '/v1/runs'), url: new URL('https://elsewhere.trainwire.test/api/v1/runs') })).toBeUndefined();
    expect(check({ ...request('GET', '/v1/runs'), url: new URL('https://guard.trainwire.test/apiv1/runs') })).toBeUndefined();
    expect(check({ ...request('GET', '/v1/runs'), url: new URL('https://guard.trainwire.test/other') })).toBeUndefined();
    expect(check.covers(new URL(`${BASE}/v1/runs`))).toBe(true);
    expect(check.covers(new URL(BASE))).toBe(true);
    expect(check.covers(new URL('https://guard.trainwire.test/apiv1'))).toBe(false);
  });
});
