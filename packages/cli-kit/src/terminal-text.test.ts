import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeFetch, terminalSafeValue } from './terminal-text.js';

describe('terminalSafe', () => {
  it('removes escape sequences, CR and the other control characters, and bidi overrides', () => {
    expect(terminalSafe('a\x1b]0;window title\x07b')).toBe('ab'); // OSC title, BEL-terminated
    expect(terminalSafe('a\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\b')).toBe('alinkb'); // OSC 8 hyperlink, ST-terminated
    expect(terminalSafe('x\x1b[2Jy\x1b[31mred\x1b[0m\x1b[1;1H')).toBe('xyred');
    expect(terminalSafe('8-bit \x9b31mCSI\x9d0;t\x9c')).toBe('8-bit CSI');
    expect(terminalSafe('over\rwrite')).toBe('overwrite');
    expect(terminalSafe('bell\x07 nul\x00 del\x7f')).toBe('bell nul del');
    expect(terminalSafe('abc\u202edcba')).toBe('abcdcba');
    expect(terminalSafe('two\r\nlines\tand tab')).toBe('two\nlines\tand tab');
    expect(terminalSafe('quota\x1b[2J\r\nerror: fake', { singleLine: true })).toBe('quota error: fake');
    expect(terminalSafe('plain ünïcode ✓ text')).toBe('plain ünïcode ✓ text');
  });

  it('cleans every string of a JSON value, keys too', () => {
    expect(terminalSafeValue({ 'k\x1b[1m': ['v\x1b]0;x\x07', 1, null, { deep: 'a\rb' }] })).toEqual({ k: ['v', 1, null, { deep: 'ab' }] });
  });

  it('rewrites JSON answers and leaves other answers alone', async () => {
    const json = terminalSafeFetch(async () => Response.json({ detail: 'bad\x1b[2J\x1b]0;t\x07' }, { status: 400 }));
    const answer = await json(new Request('https://api.test/x'));
    expect([answer.status, await answer.json()]).toEqual([400, { detail: 'bad' }]);
    const bytes = new Uint8Array([27, 91, 50, 74]);
    const binary = terminalSafeFetch(async () => new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
    expect(new Uint8Array(await (await binary(new Request('https://api.test/y'))).arrayBuffer())).toEqual(bytes);
  });
});
