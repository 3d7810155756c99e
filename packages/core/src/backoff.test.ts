import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoff, MAX_RETRY_AFTER, POLL_BACKOFF, retryAfterFrom, retryWait } from './backoff.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('backoff', () => {
  it.each([
    { failures: 0, random: 0, expected: 500 },
    { failures: 1, random: 0, expected: 1000 },
    { failures: 2, random: 0, expected: 2000 },
    { failures: 3, random: 0, expected: 4000 },
    { failures: 4, random: 0, expected: 8000 },
    { failures: 9, random: 0, expected: 8000 },
    { failures: 0, random: 0.5, expected: 438 }, // 500 × 0.875 = 437.5, rounded up
    { failures: 1, random: 0.999_999, expected: 751 }, // never below 75 %
    { failures: 5, random: 0.999_999, expected: 6001 },
  ])('waits $expected ms after failure $failures when Math.random() is $random', ({ failures, random, expected }) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    expect(backoff(failures)).toBe(expected);
    expect(retryWait(failures)).toBe(expected);
    expect(retryWait(failures, undefined)).toBe(expected);
  });

  it('takes initial, factor, max and jitter; the pollers start at 1 s and stop growing at 30 s', () => {
    expect([0, 1, 2, 3].map((failures) => backoff(failures, { initial: 100, factor: 3, max: 1000, jitter: false }))).toEqual([
      100, 300, 900, 1000,
    ]);
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect([0, 1, 4, 5, 50].map((failures) => backoff(failures, POLL_BACKOFF))).toEqual([1000, 2000, 16_000, 30_000, 30_000]);
  });
});

describe('retryAfterFrom and retryWait', () => {
  it.each<{ headers: Record<string, string>; asked: number | undefined; expected: number }>([
    { headers: { 'retry-after-ms': '1500' }, asked: 1500, expected: 1500 },
    { headers: { 'retry-after-ms': '1500.25' }, asked: 1500.25, expected: 1501 },
    { headers: { 'retry-after-ms': '0' }, asked: 0, expected: 0 },
    { headers: { 'retry-after-ms': '250', 'retry-after': '30' }, asked: 250, expected: 250 },
    { headers: { 'retry-after-ms': 'soon', 'retry-after': '3' }, asked: 3000, expected: 3000 },
    { headers: { 'retry-after': '2' }, asked: 2000, expected: 2000 },
    { headers: { 'retry-after': ' 2 ' }, asked: 2000, expected: 2000 },
    { headers: { 'retry-after': '0.5' }, asked: 500, expected: 500 },
    { headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, asked: 7000, expected: 7000 },
    { headers: { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, asked: 0, expected: 0 },
    { headers: { 'retry-after': '3600' }, asked: 3_600_000, expected: MAX_RETRY_AFTER },
    // Ten years: past what a timer can hold, so it must be capped before it reaches one.
    { headers: { 'retry-after': '315360000' }, asked: 315_360_000_000, expected: MAX_RETRY_AFTER },
    { headers: { 'retry-after-ms': '90000' }, asked: 90_000, expected: 60_000 },
    { headers: { 'retry-after': 'Thu, 01 Jan 2026 01:00:00 GMT' }, asked: 3_600_000, expected: 60_000 },
  ])('reads $asked ms from $headers and waits $expected ms', ({ headers, asked, expected }) => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.9);
    expect(retryAfterFrom(new Headers(headers))).toBe(asked);
    expect(retryWait(1, retryAfterFrom(new Headers(headers)))).toBe(expected);
    expect(random).not.toHaveBeenCalled();
  });

  it('falls back to backoff when Retry-After is absent, not a number or a date, or negative', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    for (const value of ['later please', '-5', '']) {
      expect(retryAfterFrom(new Headers({ 'retry-after': value }))).toBeUndefined();
      expect(retryWait(2, retryAfterFrom(new Headers({ 'retry-after': value })))).toBe(2000);
    }
    expect(retryAfterFrom(undefined)).toBeUndefined();
    expect(retryWait(2, Number.NaN)).toBe(2000);
  });

  it('clamps a wait asked for directly into [0, 60 s]', () => {
    expect(retryWait(0, -10)).toBe(0);
    expect(retryWait(0, Number.POSITIVE_INFINITY)).toBe(MAX_RETRY_AFTER);
    expect(retryWait(0, 1e300)).toBe(MAX_RETRY_AFTER);
  });
});
