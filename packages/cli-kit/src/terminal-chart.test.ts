import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderChart } from './terminal-chart.js';

const decay = (length: number, every: number, start = 0) =>
  Array.from({ length }, (_, index) => [start + index * every, 2.5 * Math.exp(-index / (length / 4))] as const);

describe('renderChart', () => {
  it('draws several series with a y axis, x ticks by step, colours and a legend', () => {
    const chart = renderChart(
      [
        { name: 'train/loss', points: decay(200, 5) },
        { name: 'val/loss', points: decay(10, 100, 50) },
      ],
      { width: 80, height: 10, color: true, title: 'loss' },
    );
    const lines = chart.split('\n');
    expect(lines.some((line) => line.startsWith('loss'))).toBe(true);
    expect(lines.filter((line) => /^ *\d+(\.\d+)?┤/.test(stripVTControlCharacters(line))).length).toBeGreaterThanOrEqual(5);
    expect(chart).toMatch(/└[─┬]+▶/);
    expect(stripVTControlCharacters(chart)).toMatch(/\n +200 +400 +600 +800/);
    expect(chart).toContain('step');
    expect(chart).toContain('\x1b[36m█\x1b[0m train/loss');
    expect(chart).toContain('\x1b[35m█\x1b[0m val/loss');
    expect(Math.max(...lines.map((line) => stripVTControlCharacters(line).length))).toBeLessThanOrEqual(80);
  });

  it('draws without escape codes when colour is off, thins many points to the columns, and skips what is not finite', () => {
    const many = Array.from({ length: 200_000 }, (_, index) => [index, Math.sin(index / 10_000)] as const);
    const chart = renderChart(
      [
        { name: 'sin', points: many },
        { name: 'empty', points: [[1, Number.NaN]] },
      ],
      { width: 60, height: 6 },
    );
    expect(chart.split('\n').length).toBeLessThan(20);
    expect(chart).not.toContain('\x1b');
    expect(chart).toContain('█ sin');
    expect(chart).not.toContain('empty');
    expect(renderChart([{ name: 'none', points: [] }])).toBe('');
    expect(renderChart([{ name: 'one', points: [[3, 1]] }], { width: 40, height: 4 })).toContain('█ one');
  });
});
