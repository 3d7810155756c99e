import type { LongRunningDefinition } from '@trainwire/core';
import type { ExtensionIssue, ParsedExtension } from './extension-issue.js';
import { DOTTED_PATH, show } from './extension-issue.js';
import { isRecord } from './json-pointer.js';

const PROTOCOLS = ['long-poll', 'poll'] as const;
const KEYS = ['id', 'poll', 'protocol'];

/**
 * Reads an operation's `x-long-running` and checks that `poll` names an existing operationId
 * (`operationIds` is null when they are not all known).
 */
export function parseLongRunning(raw: unknown, operationIds: ReadonlySet<string> | null): ParsedExtension<LongRunningDefinition> {
  if (!isRecord(raw)) {
    return { value: null, issues: [{ at: [], message: `must be an object (got ${show(raw)})` }] };
  }
  const issues: ExtensionIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (!KEYS.includes(key)) {
      issues.push({ at: [key], onKey: true, message: `unknown key '${key}' (allowed: ${KEYS.join(', ')})` });
    }
  }
  for (const key of KEYS) {
    const given = raw[key];
    if (given === undefined || given === null) {
      issues.push({ at: [], onKey: true, message: `${key} is required` });
    } else if (typeof given !== 'string' || given === '') {
      issues.push({ at: [key], message: `${key} must be a non-empty string (got ${show(given)})` });
    }
  }
  const { id, poll, protocol } = raw;
  if (typeof id === 'string' && id !== '' && (!DOTTED_PATH.test(id) || id === '.')) {
    issues.push({ at: ['id'], message: `id must be a dotted path like 'request_id' (got ${show(id)})` });
  }
  if (typeof poll === 'string' && poll !== '' && operationIds !== null && !operationIds.has(poll)) {
    issues.push({ at: ['poll'], message: `poll '${poll}' is not the operationId of any operation` });
  }
  if (typeof protocol === 'string' && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    const message = `protocol must be one of ${PROTOCOLS.join(', ')} (got ${show(protocol)})`;
    issues.push({ at: ['protocol'], message });
  }
  if (issues.length > 0) return { value: null, issues };
  return { value: { id, poll, protocol } as LongRunningDefinition, issues };
}
