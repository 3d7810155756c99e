import type { HttpMethod } from '@trainwire/core';
import { isRecord, parseLocalRef, resolveLocalRef } from './json-pointer.js';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** One operation of a spec, with where it sits in the document. */
export interface OperationEntry {
  readonly path: string;
  readonly method: HttpMethod;
  readonly operation: Record<string, unknown>;
  readonly pathItem: Record<string, unknown>;
  /** Pointer segments of the operation object (through a local path-item `$ref` if any). */
  readonly at: readonly (string | number)[];
}

/** Lists the operations of `paths` in document order; path items behind external `$ref`s are skipped. */
export function listOperations(document: Record<string, unknown>): OperationEntry[] {
  const entries: OperationEntry[] = [];
  if (!isRecord(document.paths)) return entries;
  for (const [path, rawItem] of Object.entries(document.paths)) {
    if (!path.startsWith('/')) continue;
    let pathItem = rawItem;
    let base: (string | number)[] = ['paths', path];
    if (isRecord(pathItem) && typeof pathItem.$ref === 'string') {
      const segments = parseLocalRef(pathItem.$ref);
      if (segments === null) continue;
      base = segments;
      pathItem = resolveLocalRef(document, pathItem.$ref);
    }
    if (!isRecord(pathItem)) continue;
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!METHODS.has(method) || !isRecord(operation)) continue;
      entries.push({
        path,
        method: method.toUpperCase() as HttpMethod,
        operation,
        pathItem,
        at: [...base, method],
      });
    }
  }
  return entries;
}
