import { describe, expect, it } from 'vitest';
import { bytes, colorEnabled, duration, Output, progressBar, visibleWidth } from './cli-output.js';

function capture(color: boolean) {
  let text = '';
  return { output: new Output({ write: (chunk: string) => (text += chunk), isTTY: color }, color), text: () => text };
}

describe('CLI output', () => {
  it('aligns table columns by visible width, colour codes or not', () => {
    const { output, text } = capture(true);
    output.table(
      ['NAME', 'COST'],
      [
        [output.paint('green', 'a'), '5'],
        ['longer-name', '1,234'],
      ],
      { right: [1] },
    );
    const plain = (line: string) =>
      line.split('\x1b[32m').join('').split('\x1b[39m').join('').split('\x1b[1m').join('').split('\x1b[22m').join('');
    const lines = text().split('\n').map(plain);
    expect(lines.slice(0, 4)).toEqual(['NAME          COST', '───────────  ─────', 'a                5', 'longer-name  1,234']);
    expect(visibleWidth(output.paint('green bold', 'abc'))).toBe(3);
  });

  it('colours only a TTY without NO_COLOR, --no-color or TERM=dumb', () => {
    expect(colorEnabled({ write: () => true, isTTY: true }, {}, false)).toBe(true);
    expect(colorEnabled({ write: () => true, isTTY: false }, {}, false)).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '1' }, false)).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, { TERM: 'dumb' }, false)).toBe(false);
    expect(colorEnabled({ write: () => true, isTTY: true }, {}, true)).toBe(false);
    expect(capture(false).output.paint('red', 'x')).toBe('x');
  });

  it('draws bars, durations and sizes', () => {
    expect(progressBar(0.5, 10)).toBe('█████░░░░░');
    expect(progressBar(2, 4)).toBe('████');
    expect(progressBar(Number.NaN, 4)).toBe('░░░░');
    expect(duration(3_725_000)).toBe('01:02:05');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });
});
