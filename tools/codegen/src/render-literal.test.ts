import { describe, expect, it } from 'vitest';
import { renderLiteral } from './render-literal.js';

describe('renderLiteral', () => {
  it('keeps short values on one line with single quotes and quoted keys where needed', () => {
    expect(renderLiteral({ a: "it's", 'x-y': [1, true, null], '200': {} })).toBe("{ '200': {}, a: 'it\\'s', 'x-y': [1, true, null] }");
  });

  it('breaks long values over lines with 2-space indentation and trailing commas', () => {
    const value = { description: 'd'.repeat(60), list: ['e'.repeat(45), 'f'.repeat(45)] };
    expect(renderLiteral(value)).toBe(
      ['{', `  description: '${'d'.repeat(60)}',`, '  list: [', `    '${'e'.repeat(45)}',`, `    '${'f'.repeat(45)}',`, '  ],', '}'].join(
        '\n',
      ),
    );
  });

  it('escapes line breaks and never lets __proto__ set a prototype', () => {
    const value: unknown = JSON.parse('{ "__proto__": "x", "text": "a\\nb\\u2028" }');
    expect(renderLiteral(value)).toBe("{ ['__proto__']: 'x', text: 'a\\nb\\u2028' }");
  });
});
