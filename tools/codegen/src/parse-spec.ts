import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Document, makeDocumentFromString, YamlParseError } from '@redocly/openapi-core';
import { isRecord } from './json-pointer.js';
import type { Problem } from './problem.js';
import { relativeToRoot } from './spec-location.js';

/** A spec read from disk: its parsed document and the sha256 of its bytes. */
export interface ParsedSpec {
  readonly document: Document;
  readonly sha256: string;
}

/** Reads and parses a YAML (or JSON) spec; a read or syntax error becomes a located problem. */
export async function parseSpec(absolutePath: string, root: string): Promise<ParsedSpec | { problem: Problem }> {
  const file = relativeToRoot(root, absolutePath);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return { problem: fileProblem(file, 1, 1, 'spec-read', `cannot read the spec (${reason})`) };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let document: Document;
  try {
    document = makeDocumentFromString(bytes.toString('utf8'), absolutePath) as Document;
  } catch (error) {
    if (error instanceof YamlParseError) {
      const line = Number.isFinite(error.line) ? error.line : 1;
      const col = Number.isFinite(error.col) ? error.col : 1;
      const message = error.message.replace(/ in "[^"]*"/, '').replace(/ \(\d+:\d+\)$/, '');
      return { problem: fileProblem(file, line, col, 'yaml-syntax', message) };
    }
    throw error;
  }
  const version = isRecord(document.parsed) ? document.parsed.openapi : undefined;
  if (typeof version !== 'string' || !/^3\.[01]\.\d+$/.test(version)) {
    const message = 'not an OpenAPI 3.0 or 3.1 document (missing or unsupported `openapi` version)';
    return { problem: fileProblem(file, 1, 1, 'openapi-version', message) };
  }
  return { document, sha256 };
}

function fileProblem(file: string, line: number, col: number, rule: string, message: string): Problem {
  return { file, line, col, severity: 'error', rule, message };
}
