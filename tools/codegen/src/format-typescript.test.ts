import { describe, expect, it } from 'vitest';
import { formatTypeScript } from './format-typescript.js';

describe('formatTypeScript', () => {
  it('re-indents to 2 spaces and single-quotes strings, but not comments', () => {
    const printed = [
      'export interface paths {',
      '    "/a": {',
      '        /**',
      '         * @description Say "hi"',
      '         *     indented',
      '         */',
      '        get: operations["it\'s"];',
      '    };',
      '}',
      '',
    ].join('\n');
    expect(formatTypeScript(printed)).toBe(
      [
        'export interface paths {',
        "  '/a': {",
        '    /**',
        '     * @description Say "hi"',
        '     *     indented',
        '     */',
        "    get: operations['it\\'s'];",
        '  };',
        '}',
        '',
      ].join('\n'),
    );
  });
});
