import { describe, expect, it } from 'vitest';
import { isTransientStatus, retryAdvice } from './retry-advice.js';

describe('retryAdvice', () => {
  it.each([
    [200, 'never'],
    [204, 'never'],
    [304, 'never'],
    [400, 'never'],
    [404, 'never'],
    [408, 'if-safe'],
    [409, 'if-safe'],
    [429, 'if-safe'],
    [500, 'if-safe'],
    [501, 'never'],
    [502, 'if-safe'],
    [503, 'if-safe'],
    [599, 'if-safe'],
    [0, 'never'],
  ])('reads %i as %s', (status, advice) => {
    expect(retryAdvice(status)).toBe(advice);
    expect(retryAdvice(status, new Headers())).toBe(advice);
  });

  it('lets the server overrule the status, 501 and a declared conflict included', () => {
    expect(retryAdvice(501, new Headers({ 'x-should-retry': 'true' }))).toBe('always');
    expect(retryAdvice(503, new Headers({ 'x-should-retry': 'false' }))).toBe('never');
    expect(retryAdvice(409, new Headers({ 'x-should-retry': ' TRUE ' }), [409])).toBe('always');
  });

  it('never retries a status the service declares a conflict, and only that one', () => {
    expect(retryAdvice(409, undefined, [409])).toBe('never');
    expect(retryAdvice(503, undefined, [409])).toBe('if-safe');
    expect(retryAdvice(409, undefined, [])).toBe('if-safe');
  });
});

describe('isTransientStatus: the one list', () => {
  it('is 408, 409, 429 and 5xx but 501, minus the conflicts', () => {
    const transient = Array.from({ length: 600 }, (_, status) => status).filter((status) => isTransientStatus(status));
    expect(transient).toEqual([408, 409, 429, 500, ...Array.from({ length: 98 }, (_, index) => 502 + index)]);
    expect(isTransientStatus(409, [409])).toBe(false);
  });
});
