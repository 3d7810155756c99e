import { afterEach, describe, expect, it, vi } from 'vitest';
import { exponentialBackoff, fixedInterval, longPoll } from './poll-strategy.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('poll strategies', () => {
  it('fixedInterval waits the same delay every time', () => {
    const strategy = fixedInterval(1500);
    expect([0, 1, 10].map((attempt) => strategy.delay(attempt))).toEqual([1500, 1500, 1500]);
  });

  it('exponentialBackoff defaults to 500 ms doubling up to 30 s', () => {
    const strategy = exponentialBackoff({ jitter: false });
    expect([0, 1, 2, 5, 6, 20].map((attempt) => strategy.delay(attempt))).toEqual([500, 1000, 2000, 16_000, 30_000, 30_000]);
  });

  it('exponentialBackoff takes initial, factor and max', () => {
    const strategy = exponentialBackoff({ initial: 100, factor: 3, max: 1000, jitter: false });
    expect([0, 1, 2, 3].map((attempt) => strategy.delay(attempt))).toEqual([100, 300, 900, 1000]);
  });

  it('exponentialBackoff jitters each delay within [0.75, 1] of it by default', () => {
    const random = vi.spyOn(Math, 'random');
    const strategy = exponentialBackoff();
    random.mockReturnValue(0);
    expect(strategy.delay(1)).toBe(1000);
    random.mockReturnValue(1);
    expect(strategy.delay(1)).toBe(750);
    random.mockReturnValue(0.5);
    expect(strategy.delay(20)).toBe(26_250);
  });

  it('longPoll re-polls at once', () => {
    expect(longPoll().delay(0)).toBe(0);
    expect(longPoll().delay(7)).toBe(0);
  });
});
