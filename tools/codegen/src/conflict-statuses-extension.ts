import type { ExtensionIssue, ParsedExtension } from './extension-issue.js';
import { show } from './extension-issue.js';

/**
 * Reads `x-conflict-statuses` (root or operation): the HTTP statuses (400–599, each once) that mean
 * "conflict, do not retry" for the service or the operation; null when absent. `[]` on an operation
 * means none (its 409 is a lock timeout, retried) whatever the root says.
 */
export function parseConflictStatuses(raw: unknown): ParsedExtension<number[] | null> {
  if (raw === undefined) return { value: null, issues: [] };
  if (!Array.isArray(raw)) {
    return { value: null, issues: [{ at: [], message: `must be a list of HTTP status codes, e.g. [409] (got ${show(raw)})` }] };
  }
  const issues: ExtensionIssue[] = [];
  raw.forEach((status: unknown, index) => {
    if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) {
      issues.push({ at: [index], message: `must be an error status between 400 and 599 (got ${show(status)})` });
    } else if (raw.indexOf(status) !== index) {
      issues.push({ at: [index], message: `lists ${String(status)} twice` });
    }
  });
  return issues.length > 0 ? { value: null, issues } : { value: raw as number[], issues: [] };
}
