import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import type { SnippetChain } from './snippet-chains.js';

/** The options a user's strict ESM project on Node would have (what the smoke consumer uses, less noUncheckedIndexedAccess). */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts', 'lib.esnext.disposable.d.ts'],
  types: ['node'],
  strict: true,
  skipLibCheck: true,
  noEmit: true,
};

/**
 * Type-check every chain against the built packages, in one program: each chain is written to
 * `<folder>/<name>.ts` (the folder holds a `package.json` of `type: module` and a `node_modules`
 * that reaches the repository's). Returns each chain's errors, located in its README.
 */
export function checkSnippets(
  chains: readonly SnippetChain[],
  folder: string,
  repositoryRoot: string,
  name: (index: number) => string,
): string[][] {
  const files = chains.map((chain, index) => {
    const path = join(folder, `${name(index)}.ts`);
    writeFileSync(path, chain.checked.code);
    return path;
  });
  const beside = [...new Set(chains.flatMap((chain) => chain.beside))].map((dir) => resolve(repositoryRoot, dir));
  const program = ts.createProgram(files, { ...OPTIONS, ...(beside.length > 0 ? { rootDirs: [folder, ...beside] } : {}) });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, ts.createCompilerHost(OPTIONS)));
  return chains.map((chain, index) => {
    const source = program.getSourceFile(files[index] as string);
    if (!source) return [`${chain.id}: the snippet was not part of the program`];
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
      const line = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line + 1;
      return `${chain.checked.locate(line)}: error TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
  });
}
