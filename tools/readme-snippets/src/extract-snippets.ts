/**
 * How a README may say a snippet is to be treated, in an HTML comment on the line above its fence
 * (the nearest line that is not blank), directives separated by `;`:
 *
 * - `continues`: the snippet goes on from the previous one of the same file (same scope, one module);
 * - `typecheck-only (why)`: type-checked but not run, for the reason given (e.g. it needs a live service);
 * - `beside <folder>`: relative imports resolve as if the snippet sat in that folder of the repository
 *   (a service package's own code importing its `./generated/...` module).
 *
 * @example
 * <!-- snippet: continues; typecheck-only (needs a browser's file input) -->
 */
export interface SnippetDirectives {
  continues: boolean;
  /** Why the snippet is not run; absent when it is run. */
  typecheckOnly?: string;
  /** Repository folder its relative imports resolve in. */
  beside?: string;
}

/** One fenced TypeScript block of a README. */
export interface Snippet {
  /** The README, relative to the repository root (`packages/jobs/README.md`). */
  file: string;
  /** Line of the README that holds the snippet's first line of code (1-based). */
  line: number;
  /** The code, with the fence's indentation removed. */
  code: string;
  directives: SnippetDirectives;
}

const OPENING = /^(\s*)```(?:ts|typescript)\s*$/;
const CLOSING = /^\s*```\s*$/;
const MARKER = /^\s*<!--\s*snippet:(.*?)-->\s*$/;

/** `text` split at each `;` that is not inside parentheses (a reason may hold one). */
function splitDirectives(text: string): string[] {
  const parts = [''];
  let depth = 0;
  for (const character of text) {
    depth += character === '(' ? 1 : character === ')' ? -1 : 0;
    if (character === ';' && depth === 0) parts.push('');
    else parts[parts.length - 1] += character;
  }
  return parts.map((part) => part.trim());
}

/** The directives of a marker's text, or an error naming what is not understood. */
export function parseDirectives(text: string, where: string): SnippetDirectives {
  const directives: SnippetDirectives = { continues: false };
  for (const part of splitDirectives(text)) {
    const typecheckOnly = /^typecheck-only\s*\((.+)\)$/.exec(part);
    const beside = /^beside\s+(\S+)$/.exec(part);
    if (part === 'continues') directives.continues = true;
    else if (typecheckOnly?.[1]?.trim()) directives.typecheckOnly = typecheckOnly[1].trim();
    else if (beside?.[1]) directives.beside = beside[1];
    else {
      throw new Error(
        `${where}: unknown snippet directive ${JSON.stringify(part)} (known: continues; typecheck-only (<why>); beside <folder>)`,
      );
    }
  }
  return directives;
}

/** Every ```ts block of `markdown`, with its line and the directives of the marker above it. */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = OPENING.exec(lines[index] ?? '');
    if (!opening) continue;
    const indent = opening[1]?.length ?? 0;
    let end = index + 1;
    while (end < lines.length && !CLOSING.test(lines[end] ?? '')) end++;
    if (end === lines.length) throw new Error(`${file}:${index + 1}: the snippet's fence is never closed`);
    let above = index - 1;
    while (above >= 0 && (lines[above] ?? '').trim() === '') above--;
    const marker = above >= 0 ? MARKER.exec(lines[above] ?? '') : null;
    snippets.push({
      file,
      line: index + 2,
      code: lines
        .slice(index + 1, end)
        .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
        .join('\n'),
      directives: marker ? parseDirectives(marker[1] ?? '', `${file}:${above + 1}`) : { continues: false },
    });
    index = end;
  }
  return snippets;
}
