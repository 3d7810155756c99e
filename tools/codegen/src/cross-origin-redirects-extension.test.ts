import type { Document } from '@redocly/openapi-core';
import { makeDocumentFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildService } from './build-service.js';
import { parseCrossOriginRedirects } from './cross-origin-redirects-extension.js';
import { formatProblem } from './problem.js';
import { validateExtensions } from './validate-extensions.js';

const SPEC = `openapi: 3.1.0
info: { title: Files, version: '1' }
x-cross-origin-redirects: strip-credentials
paths:
  /files/{id}:
    get:
      operationId: downloadFile
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200': { description: the bytes }
  /keys:
    post:
      operationId: createKey
      x-cross-origin-redirects: error
      responses:
        '201': { description: created }
`;

function validate(yaml: string): string[] {
  const document = makeDocumentFromString(yaml, '/repo/specs/test.yaml') as Document;
  return validateExtensions(document, '/repo').map(formatProblem);
}

describe('x-cross-origin-redirects', () => {
  it('is written into the table: the service default, and an operation that overrides it', () => {
    const service = buildService('files', parse(SPEC));
    expect(service.crossOriginRedirects).toBe('strip-credentials');
    expect(service.operations['GET /files/{id}']?.crossOriginRedirects).toBeUndefined();
    expect(service.operations['POST /keys']?.crossOriginRedirects).toBe('error');
  });

  it('is left out of the table when the spec does not declare it', () => {
    const service = buildService('files', parse(SPEC.replace('x-cross-origin-redirects: strip-credentials\n', '')));
    expect('crossOriginRedirects' in service).toBe(false);
  });

  it('reports any other value with its location', () => {
    expect(validate(SPEC.replace('x-cross-origin-redirects: error', 'x-cross-origin-redirects: follow'))).toEqual([
      "specs/test.yaml:14:33: error x-cross-origin-redirects: must be one of error, strip-credentials (got 'follow')",
    ]);
    expect(validate(SPEC)).toEqual([]);
    expect(parseCrossOriginRedirects(undefined)).toEqual({ value: null, issues: [] });
    expect(() => buildService('files', parse(SPEC.replace('strip-credentials', 'true')))).toThrow(/x-cross-origin-redirects/);
  });
});
