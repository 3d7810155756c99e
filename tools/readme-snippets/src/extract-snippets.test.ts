import { describe, expect, it } from 'vitest';
import { extractSnippets, parseDirectives } from './extract-snippets.js';
import { chainSnippets } from './snippet-chains.js';

const readme = [
  '# A package', //                                   1
  '', //                                              2
  '```ts', //                                         3
  "import { a } from 'a';", //                        4
  'const b = a();', //                                5
  '```', //                                           6
  '', //                                              7
  '<!-- snippet: continues -->', //                   8
  '', //                                              9
  '```ts', //                                         10
  'console.log(b);', //                               11
  '```', //                                           12
  '', //                                              13
  '- a list item:', //                                14
  '  <!-- snippet: typecheck-only (needs a live service); beside packages/x/src -->', // 15
  '  ```typescript', //                               16
  "  import { c } from './generated/x.js';", //       17
  '    c();', //                                      18
  '  ```', //                                         19
  '', //                                              20
  '```sh', //                                         21
  'npm test', //                                      22
  '```', //                                           23
  '<!-- snippet: continues -->', //                   24
  '```ts', //                                         25
  'c();', //                                          26
  '```', //                                           27
].join('\n');

describe('extractSnippets', () => {
  it('finds each TypeScript block with the README line of its first line of code and its directives', () => {
    const snippets = extractSnippets(readme, 'packages/x/README.md');
    expect(snippets.map(({ line, code, directives }) => ({ line, code, directives }))).toEqual([
      { line: 4, code: "import { a } from 'a';\nconst b = a();", directives: { continues: false } },
      { line: 11, code: 'console.log(b);', directives: { continues: true } },
      {
        line: 17,
        code: "import { c } from './generated/x.js';\n  c();",
        directives: { continues: false, typecheckOnly: 'needs a live service', beside: 'packages/x/src' },
      },
      { line: 26, code: 'c();', directives: { continues: true } },
    ]);
  });

  it('reads a reason that holds a semicolon', () => {
    expect(parseDirectives('continues; typecheck-only (it needs a key; a real one)', 'README.md:3')).toEqual({
      continues: true,
      typecheckOnly: 'it needs a key; a real one',
    });
  });

  it('refuses a directive it does not know, a typecheck-only without a reason, and an unclosed fence', () => {
    expect(() => parseDirectives(' skip ', 'README.md:3')).toThrow(/README\.md:3: unknown snippet directive "skip"/);
    expect(() => parseDirectives('typecheck-only', 'README.md:3')).toThrow(/unknown snippet directive "typecheck-only"/);
    expect(() => parseDirectives('typecheck-only ( )', 'README.md:3')).toThrow(/unknown snippet directive/);
    expect(() => extractSnippets('<!-- snippet: sometimes -->\n```ts\nx\n```', 'README.md')).toThrow(/README\.md:1: unknown/);
    expect(() => extractSnippets('```ts\nconst x = 1;\n', 'README.md')).toThrow(/README\.md:1: the snippet's fence is never closed/);
  });
});

describe('chainSnippets', () => {
  const chains = chainSnippets(extractSnippets(readme, 'packages/x/README.md'));

  it('joins a continuing snippet to the one before it, and maps each line back to the README', () => {
    expect(chains.map((chain) => chain.id)).toEqual(['packages/x/README.md:4', 'packages/x/README.md:17']);
    const [first] = chains;
    expect(first?.checked.code).toBe("import { a } from 'a';\nconst b = a();\nconsole.log(b);\nexport {};\n");
    expect([1, 2, 3].map((line) => first?.checked.locate(line))).toEqual([
      'packages/x/README.md:4',
      'packages/x/README.md:5',
      'packages/x/README.md:11',
    ]);
    expect(first?.run?.code).toBe(first?.checked.code);
  });

  it('runs only what comes before a typecheck-only snippet, and says why the rest is not run', () => {
    const second = chains[1];
    expect(second?.run).toBeUndefined();
    expect(second?.checked.code).toBe("import { c } from './generated/x.js';\n  c();\nc();\nexport {};\n");
    expect(second?.notRun).toEqual(['packages/x/README.md:17: needs a live service']);
    expect(second?.beside).toEqual(['packages/x/src']);
  });

  it('refuses a continuing snippet with nothing before it in its file', () => {
    const [lone] = extractSnippets('<!-- snippet: continues -->\n```ts\nx;\n```', 'packages/y/README.md');
    const [other] = extractSnippets('```ts\ny;\n```', 'packages/x/README.md');
    expect(() => chainSnippets([other, lone].filter((snippet) => snippet !== undefined))).toThrow(
      /packages\/y\/README\.md:3: a snippet marked "continues" needs a snippet before it in the same file/,
    );
  });
});
