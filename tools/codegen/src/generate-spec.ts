import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BaseResolver, bundle, type Config } from '@redocly/openapi-core';
import { buildService } from './build-service.js';
import type { SpecEntry } from './codegen-config.js';
import { generateTypes } from './generate-types.js';
import { lintSpec } from './lint-spec.js';
import { parseSpec } from './parse-spec.js';
import { hasErrors, type Problem, sortProblems } from './problem.js';
import { renderOutput, renderSchemas, renderService, schemasOutput } from './render-output.js';
import { validateExtensions } from './validate-extensions.js';

/** The outcome for one config entry: its problems, and the file content unless an error stopped it. */
export interface SpecResult {
  readonly entry: SpecEntry;
  readonly problems: readonly Problem[];
  readonly content: string | null;
  /** With `standalone`, the content of the schemas module (at `schemasOutput(entry.output)`). */
  readonly schemas?: string | undefined;
  /** With `standalone`, the content of the service module (at `serviceOutput(entry.output)`). */
  readonly serviceModule?: string | undefined;
}

/** Parses, lints and validates one spec, then renders its output file (nothing is written here). */
export async function generateSpec(entry: SpecEntry, root: string, redocly: Config): Promise<SpecResult> {
  const specPath = path.resolve(root, entry.spec);
  const specFile = path.relative(root, specPath).split(path.sep).join('/');
  const parsed = await parseSpec(specPath, root);
  if ('problem' in parsed) return { entry, problems: [parsed.problem], content: null };
  const { document, sha256 } = parsed;
  const problems = sortProblems([...(await lintSpec(document, redocly, root)), ...validateExtensions(document, root)]);
  if (hasErrors(problems)) return { entry, problems, content: null };
  try {
    const bundled = await bundle({
      doc: document,
      config: redocly,
      dereference: false,
      externalRefResolver: new BaseResolver(redocly.resolve),
    });
    const spec = bundled.bundle.parsed as Record<string, unknown>;
    const service = buildService(entry.name, spec);
    const types = await generateTypes(spec, pathToFileURL(specPath));
    const parts = {
      specFile,
      specSha256: sha256,
      types,
      service,
      compileChecks: entry.compileChecks ?? true,
      standalone: entry.standalone ?? false,
      schemasModule: `./${path.basename(schemasOutput(entry.output)).replace(/\.ts$/, '.js')}`,
      outputModule: `./${path.basename(entry.output).replace(/\.ts$/, '.js')}`,
    };
    return {
      entry,
      problems,
      content: renderOutput(parts),
      ...(parts.standalone && { schemas: renderSchemas(parts), serviceModule: renderService(parts) }),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failure: Problem = { file: specFile, line: 1, col: 1, severity: 'error', rule: 'codegen', message };
    return { entry, problems: [...problems, failure], content: null };
  }
}
