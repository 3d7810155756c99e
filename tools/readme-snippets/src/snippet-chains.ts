import type { Snippet } from './extract-snippets.js';

/** A module made of README snippets, which knows the README line of each of its lines. */
export interface SnippetModule {
  /** The TypeScript source: the snippets in order, then `export {}` so that top-level `await` is allowed. */
  code: string;
  /** `file:line` in the README of the module's line `line` (1-based). */
  locate(line: number): string;
}

/** A snippet and the ones that continue it: one scope, type-checked and run as one module. */
export interface SnippetChain {
  /** `file:line` of the first snippet. */
  id: string;
  snippets: Snippet[];
  /** Every snippet of the chain, for the type check. */
  checked: SnippetModule;
  /** The snippets before the first `typecheck-only` one, for the run (`undefined` when that is none). */
  run: SnippetModule | undefined;
  /** Why (some of) the chain is not run, with where it says so. */
  notRun: string[];
  /** Repository folders relative imports resolve in (`beside`). */
  beside: string[];
}

function moduleOf(snippets: readonly Snippet[]): SnippetModule {
  const origins: string[] = [];
  const parts: string[] = [];
  for (const snippet of snippets) {
    const lines = snippet.code.split('\n');
    for (const offset of lines.keys()) origins.push(`${snippet.file}:${snippet.line + offset}`);
    parts.push(...lines);
  }
  return {
    code: `${parts.join('\n')}\nexport {};\n`,
    locate: (line) => origins[line - 1] ?? `${snippets[0]?.file}:${snippets[0]?.line} (the end of the snippet)`,
  };
}

/** The snippets grouped into chains: each `continues` snippet joins the chain before it in its file. */
export function chainSnippets(snippets: readonly Snippet[]): SnippetChain[] {
  const groups: Snippet[][] = [];
  for (const snippet of snippets) {
    const previous = groups.at(-1);
    if (snippet.directives.continues) {
      if (!previous || previous[0]?.file !== snippet.file) {
        throw new Error(`${snippet.file}:${snippet.line}: a snippet marked "continues" needs a snippet before it in the same file`);
      }
      previous.push(snippet);
    } else groups.push([snippet]);
  }
  return groups.map((group) => {
    const first = group[0] as Snippet;
    const stop = group.findIndex((snippet) => snippet.directives.typecheckOnly !== undefined);
    const runnable = stop === -1 ? group : group.slice(0, stop);
    return {
      id: `${first.file}:${first.line}`,
      snippets: group,
      checked: moduleOf(group),
      run: runnable.length > 0 ? moduleOf(runnable) : undefined,
      notRun: group.flatMap((snippet) =>
        snippet.directives.typecheckOnly === undefined ? [] : [`${snippet.file}:${snippet.line}: ${snippet.directives.typecheckOnly}`],
      ),
      beside: [...new Set(group.flatMap((snippet) => (snippet.directives.beside ? [snippet.directives.beside] : [])))],
    };
  });
}
