import { describe, expect, it } from 'vitest';
import { retryAdvice } from './retry-advice.js';

const answer = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe('retryAdvice', () => {
  it.each([
    [200, 'never'],
    [400, 'never'],
    [408, 'if-safe'],
    [409, 'if-safe'],
    [429, 'if-safe'],
    [500, 'if-safe'],
    [501, 'never'],
    [502, 'if-safe'],
    [503, 'if-safe'],
  ])('reads %i as %s', (status, advice) => {
    expect(retryAdvice(answer(status))).toBe(advice);
  });

  it('lets the server overrule the status, 501 included', () => {
    expect(retryAdvice(answer(501, { 'x-should-retry': 'true' }))).toBe('always');
    expect(retryAdvice(answer(503, { 'x-should-retry': 'false' }))).toBe('never');
  });
});
