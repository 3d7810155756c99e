import { describe, expect, it } from 'vitest';
import { optionParser } from './cli-values.js';
import { parseDuration, parseTime } from './duration.js';

describe('durations', () => {
  it('reads 30s, 30m, 1h, 2d, 1w, 1h30m, 1.5h and 500ms; refuses the rest', () => {
    expect([parseDuration('30s'), parseDuration('30m'), parseDuration('1h'), parseDuration('2d'), parseDuration('1w')]).toEqual([
      30_000, 1_800_000, 3_600_000, 172_800_000, 604_800_000,
    ]);
    expect([parseDuration('1h30m'), parseDuration('1.5h'), parseDuration('500ms'), parseDuration(' 2D ')]).toEqual([
      5_400_000, 5_400_000, 500, 172_800_000,
    ]);
    for (const bad of ['', '5', 'h', '1 h', 'soon', '1y', '-1h']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('reads a time as a duration ago or an ISO date-time', () => {
    const now = Date.parse('2026-10-01T12:00:00Z');
    expect(parseTime('1h', now)?.toISOString()).toBe('2026-10-01T11:00:00.000Z');
    expect(parseTime('2026-09-30T10:00:00Z', now)?.toISOString()).toBe('2026-09-30T10:00:00.000Z');
    expect(parseTime('yesterday', now)).toBeUndefined();
    expect(parseTime('2026-13-45', now)).toBeUndefined();
  });

  it('gives options of kind seconds and time their value, and a usage error naming the flag', () => {
    const seconds = optionParser('seconds', '--interval');
    expect([seconds('5', undefined), seconds('500ms', undefined), seconds('2m', undefined)]).toEqual([5, 0.5, 120]);
    expect(() => seconds('soon', undefined)).toThrow('--interval must be seconds or a duration like 500ms, 30s or 2m (got "soon").');
    const time = optionParser('time', '--since');
    expect(Date.now() - Date.parse(time('30m', undefined) as string)).toBeGreaterThanOrEqual(1_800_000);
    expect(() => time('tomorrow', undefined)).toThrow(/--since must be a duration ago/);
  });
});
