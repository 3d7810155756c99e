import path from 'node:path';
import { getLineColLocation, type Source } from '@redocly/openapi-core';

/** A 1-based position in a file, the file relative to the repository root. */
export interface SpecLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Turns a JSON pointer into a file, line and column; `reportOnKey` points at the key, not the value. */
export function locatePointer(source: Source, pointer: string, root: string, reportOnKey = false): SpecLocation {
  const { start } = getLineColLocation({ source, pointer, reportOnKey });
  return { file: relativeToRoot(root, source.absoluteRef), line: start.line, col: start.col };
}

/** A path relative to the repository root with forward slashes, as printed in messages and banners. */
export function relativeToRoot(root: string, file: string): string {
  const relative = path.isAbsolute(file) ? path.relative(root, file) : file;
  return relative.split(path.sep).join('/');
}
