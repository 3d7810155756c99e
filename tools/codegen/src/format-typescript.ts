import ts from 'typescript';

const FILE_NAME = 'generated.ts';

/** Re-formats printed TypeScript: 2-space indentation (TypeScript's formatter) and single-quoted strings. */
export function formatTypeScript(source: string): string {
  return reindent(singleQuote(source));
}

/** Rewrites every string-literal token with single quotes, leaving comments untouched. */
function singleQuote(source: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source);
  const parts: string[] = [];
  let copied = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token !== ts.SyntaxKind.StringLiteral) continue;
    const start = scanner.getTokenStart();
    parts.push(source.slice(copied, start), quote(scanner.getTokenValue()));
    copied = scanner.getTokenEnd();
  }
  parts.push(source.slice(copied));
  return parts.join('');
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A single-quoted TypeScript string literal for `value`; control characters and line separators are escaped. */
export function quote(value: string): string {
  let result = "'";
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    const control = code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
    result += ESCAPES[character] ?? (control ? `\\u${code.toString(16).padStart(4, '0')}` : character);
  }
  return `${result}'`;
}

function reindent(source: string): string {
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [FILE_NAME],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => (name === FILE_NAME ? ts.ScriptSnapshot.fromString(source) : undefined),
    getCurrentDirectory: () => '/',
    getCompilationSettings: () => ({ noLib: true }),
    getDefaultLibFileName: () => 'lib.d.ts',
    fileExists: (name) => name === FILE_NAME,
    readFile: (name) => (name === FILE_NAME ? source : undefined),
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  const edits = service.getFormattingEditsForDocument(FILE_NAME, {
    ...ts.getDefaultFormatCodeSettings('\n'),
    indentSize: 2,
    tabSize: 2,
    convertTabsToSpaces: true,
    semicolons: ts.SemicolonPreference.Insert,
  });
  service.dispose();
  let result = source;
  for (const edit of [...edits].sort((left, right) => right.span.start - left.span.start)) {
    result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.start + edit.span.length);
  }
  return result;
}
