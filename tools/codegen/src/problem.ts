/** A finding about a spec, located in a file relative to the repository root (1-based line and column). */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warn';
  readonly rule: string;
  readonly message: string;
}

/** Formats a problem as `specs/x.yaml:LINE:COL: error <rule>: <message>`. */
export function formatProblem(problem: Problem): string {
  const severity = problem.severity === 'error' ? 'error' : 'warning';
  return `${problem.file}:${problem.line}:${problem.col}: ${severity} ${problem.rule}: ${problem.message}`;
}

/** Sorts problems by file, line and column and drops exact duplicates. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((problem) => {
    const key = formatProblem(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((left, right) => compareText(left.file, right.file) || left.line - right.line || left.col - right.col);
}

/** Whether any of the problems is an error. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
