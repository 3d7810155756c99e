import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_RETRY_AFTER, retryDelay } from './retry-delay.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('retryDelay', () => {
  it.each([
    { retry: 0, random: 0, expected: 500 },
    { retry: 1, random: 0, expected: 1000 },
    { retry: 2, random: 0, expected: 2000 },
    { retry: 3, random: 0, expected: 4000 },
    { retry: 4, random: 0, expected: 8000 },
    { retry: 9, random: 0, expected: 8000 },
    { retry: 0, random: 0.5, expected: 438 }, // 500 × 0.875 = 437.5, rounded up
    { retry: 1, random: 0.999_999, expected: 751 }, // never below 75 %
    { retry: 5, random: 0.999_999, expected: 6001 },
  ])('backs off to $expected ms before retry $retry when Math.random() is $random', ({ retry, random, expected }) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    expect(retryDelay(retry)).toBe(expected);
    expect(retryDelay(retry, new Headers({ 'x-other': '1' }))).toBe(expected);
  });

  it.each<{ headers: Record<string, string>; expected: number }>([
    { headers: { 'retry-after-ms': '1500' }, expected: 1500 },
    { headers: { 'retry-after-ms': '1500.25' }, expected: 1501 },
    { headers: { 'retry-after-ms': '0' }, expected: 0 },
    { headers: { 'retry-after-ms': '250', 'retry-after': '30' }, expected: 250 },
    { headers: { 'retry-after-ms': 'soon', 'retry-after': '3' }, expected: 3000 },
    { headers: { 'retry-after': '2' }, expected: 2000 },
    { headers: { 'retry-after': '0.5' }, expected: 500 },
    { headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, expected: 7000 },
    { headers: { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, expected: 0 },
    { headers: { 'retry-after': '3600' }, expected: MAX_RETRY_AFTER },
    { headers: { 'retry-after-ms': '90000' }, expected: 60_000 },
    { headers: { 'retry-after': 'Thu, 01 Jan 2026 01:00:00 GMT' }, expected: 60_000 },
  ])('waits $expected ms for $headers', ({ headers, expected }) => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.9);
    expect(retryDelay(1, new Headers(headers))).toBe(expected);
    expect(random).not.toHaveBeenCalled();
  });

  it('falls back to backoff when Retry-After is not a number or a date', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelay(2, new Headers({ 'retry-after': 'later please' }))).toBe(2000);
  });
});
