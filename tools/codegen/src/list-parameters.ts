import { dereference, isRecord } from './json-pointer.js';
import type { OperationEntry } from './list-operations.js';

/** A parameter of an operation after resolving local `$ref`s. */
export interface ParameterEntry {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: unknown;
}

/**
 * The parameters of an operation: path-item ones first, overridden by the operation's own (same
 * name and location). `complete` is false when some parameter could not be resolved.
 */
export function listParameters(
  document: Record<string, unknown>,
  entry: OperationEntry,
): { parameters: ParameterEntry[]; complete: boolean } {
  const parameters: ParameterEntry[] = [];
  let complete = true;
  for (const list of [entry.pathItem.parameters, entry.operation.parameters]) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      complete = false;
      continue;
    }
    for (const raw of list) {
      const parameter = readParameter(document, raw);
      if (parameter === null) {
        complete = false;
        continue;
      }
      const same = parameters.findIndex((known) => sameParameter(known, parameter));
      if (same === -1) parameters.push(parameter);
      else parameters[same] = parameter;
    }
  }
  return { parameters, complete };
}

function readParameter(document: Record<string, unknown>, raw: unknown): ParameterEntry | null {
  const parameter = dereference(document, raw);
  if (!isRecord(parameter) || typeof parameter.name !== 'string') return null;
  const location = parameter.in;
  if (location !== 'path' && location !== 'query' && location !== 'header' && location !== 'cookie') {
    return null;
  }
  let schema = parameter.schema;
  if (schema === undefined && isRecord(parameter.content)) {
    const media = Object.values(parameter.content)[0];
    schema = isRecord(media) ? media.schema : undefined;
  }
  return {
    name: parameter.name,
    in: location,
    required: location === 'path' || parameter.required === true,
    schema,
  };
}

function sameParameter(left: ParameterEntry, right: ParameterEntry): boolean {
  if (left.in !== right.in) return false;
  if (left.in === 'header') return left.name.toLowerCase() === right.name.toLowerCase();
  return left.name === right.name;
}
