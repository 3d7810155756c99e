import path from 'node:path';
import { loadCodegenConfig, type SpecEntry } from './codegen-config.js';
import { generateSpec } from './generate-spec.js';
import { loadRedoclyConfig } from './load-redocly-config.js';
import { formatProblem, hasErrors } from './problem.js';
import { schemasOutput, serviceOutput } from './render-output.js';
import { UsageError } from './usage-error.js';
import { readExisting, writeIfChanged } from './write-if-changed.js';

/** What to run: which config, which entries (all when empty), and whether to only compare. */
export interface RunOptions {
  readonly configFile: string;
  readonly names: readonly string[];
  readonly check: boolean;
  /** Receives progress and summary lines. */
  readonly stdout: (line: string) => void;
  /** Receives problems, out-of-date notices and failures. */
  readonly stderr: (line: string) => void;
}

/**
 * Generates (or with `check`, compares) the output of each selected spec. Resolves to the exit
 * code: 0 when everything succeeded or matched, 1 when a spec failed or an output is out of date.
 * Throws a `UsageError` for an unknown name or a broken config.
 */
export async function runCodegen(options: RunOptions): Promise<number> {
  const { stdout, stderr } = options;
  const config = await loadCodegenConfig(options.configFile);
  const entries = selectEntries(config.specs, options.names);
  const redocly = await loadRedoclyConfig(config.root);
  const counts = { written: 0, unchanged: 0, failed: 0, outdated: 0 };
  for (const entry of entries) {
    const result = await generateSpec(entry, config.root, redocly);
    for (const problem of result.problems) stderr(formatProblem(problem));
    if (result.content === null || hasErrors(result.problems)) {
      counts.failed++;
      stderr(`failed: ${entry.spec} has errors; ${entry.output} was left as it was`);
      continue;
    }
    const files: [output: string, content: string][] = [[entry.output, result.content]];
    if (result.schemas !== undefined) files.push([schemasOutput(entry.output), result.schemas]);
    if (result.serviceModule !== undefined) files.push([serviceOutput(entry.output), result.serviceModule]);
    for (const [output, content] of files) {
      const outputPath = path.resolve(config.root, output);
      if (options.check) {
        if ((await readExisting(outputPath)) === content) {
          counts.unchanged++;
        } else {
          counts.outdated++;
          stderr(`out of date: ${output} (from ${entry.spec}) — run npm run generate`);
        }
        continue;
      }
      const outcome = await writeIfChanged(outputPath, content);
      counts[outcome]++;
      stdout(`${outcome}: ${output}`);
    }
  }
  stdout(summary(entries.length, options.check, counts));
  return counts.failed + counts.outdated > 0 ? 1 : 0;
}

function selectEntries(specs: readonly SpecEntry[], names: readonly string[]): readonly SpecEntry[] {
  const unknown = names.filter((name) => !specs.some((entry) => entry.name === name));
  if (unknown.length > 0) {
    const known = specs.length > 0 ? specs.map((entry) => entry.name).join(', ') : '(none configured)';
    throw new UsageError(`unknown spec name ${unknown.map((name) => `'${name}'`).join(', ')}; known: ${known}`);
  }
  return names.length === 0 ? specs : specs.filter((entry) => names.includes(entry.name));
}

function summary(total: number, check: boolean, counts: Record<string, number>): string {
  const specs = `${total} spec${total === 1 ? '' : 's'}`;
  if (check) {
    if (counts.failed === 0 && counts.outdated === 0) return `trainwire-codegen --check: ${specs}, all outputs up to date`;
    return `trainwire-codegen --check: ${specs}, ${counts.outdated} out of date, ${counts.failed} failed`;
  }
  return `trainwire-codegen: ${specs}, ${counts.written} written, ${counts.unchanged} unchanged, ${counts.failed} failed`;
}
