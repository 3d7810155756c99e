import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { SnippetModule } from './snippet-chains.js';

/** How a snippet's run ended. */
export interface SnippetRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stdout and stderr together, with each snippet line of a stack trace named by its README line. */
  output: string;
}

/** Options of {@link runSnippet}. */
export interface RunSnippetOptions {
  /** The folder the module is written to, and its working directory. */
  folder: string;
  /** The module's file name, without extension. */
  name: string;
  /** The whole environment of the child (nothing of this process's is passed on). */
  env: Record<string, string>;
  /** How long it may run before it is killed. */
  timeoutMs: number;
}

/**
 * Run a snippet module as a user would run it: compiled to JavaScript as it is (types removed), in a
 * Node process of its own, with the given environment. It must exit 0 within `timeoutMs`.
 */
export async function runSnippet(module: SnippetModule, options: RunSnippetOptions): Promise<SnippetRun> {
  const { outputText } = ts.transpileModule(module.code, {
    fileName: `${options.name}.ts`,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
  });
  const file = join(options.folder, `${options.name}.mjs`);
  writeFileSync(file, outputText);
  const child = spawn(process.execPath, ['--enable-source-maps', file], {
    cwd: options.folder,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, killedBy) => resolve([code, killedBy]));
  });
  clearTimeout(timer);
  const located = output.replace(new RegExp(`${options.name}\\.ts:(\\d+)(?::\\d+)?`, 'g'), (_, line: string) =>
    module.locate(Number(line)),
  );
  return { exitCode, signal, timedOut, output: located };
}
