import { BaseResolver, type Config, type Document, getLineColLocation, lintDocument, type NormalizedProblem } from '@redocly/openapi-core';
import type { Problem } from './problem.js';
import { relativeToRoot } from './spec-location.js';

/** Lints a parsed spec with the Redocly rules of `redocly.yaml` and locates each finding. */
export async function lintSpec(document: Document, config: Config, root: string): Promise<Problem[]> {
  const problems = await lintDocument({
    document,
    config: config.styleguide,
    externalRefResolver: new BaseResolver(config.resolve),
  });
  const specFile = relativeToRoot(root, document.source.absoluteRef);
  return problems.filter((problem) => !problem.ignored).map((problem) => toProblem(problem, root, specFile));
}

function toProblem(problem: NormalizedProblem, root: string, specFile: string): Problem {
  const location = problem.location[0];
  const base = { severity: problem.severity, rule: problem.ruleId, message: problem.message };
  if (location === undefined) return { ...base, file: specFile, line: 1, col: 1 };
  const { start } = getLineColLocation(location);
  const file = relativeToRoot(root, location.source.absoluteRef);
  return { ...base, file, line: start.line, col: start.col };
}
