import type { Document } from '@redocly/openapi-core';
import { makeDocumentFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildService } from './build-service.js';
import { parseConflictStatuses } from './conflict-statuses-extension.js';
import { formatProblem } from './problem.js';
import { validateExtensions } from './validate-extensions.js';

const SPEC = `openapi: 3.1.0
info: { title: Jobs, version: '1' }
x-conflict-statuses: [409]
paths:
  /jobs/{id}/pause:
    post:
      operationId: pauseJob
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200': { description: paused }
        '409': { description: the job is not running }
  /locks/{id}:
    put:
      operationId: takeLock
      x-conflict-statuses: []
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '204': { description: taken }
        '409': { description: a lock timeout, worth retrying }
`;

function validate(yaml: string): string[] {
  const document = makeDocumentFromString(yaml, '/repo/specs/test.yaml') as Document;
  return validateExtensions(document, '/repo').map(formatProblem);
}

describe('x-conflict-statuses', () => {
  it('is written into the table: the service default, and an operation that overrides it', () => {
    const service = buildService('jobs', parse(SPEC));
    expect(service.conflictStatuses).toEqual([409]);
    expect(service.operations['POST /jobs/{id}/pause']?.conflictStatuses).toBeUndefined();
    expect(service.operations['PUT /locks/{id}']?.conflictStatuses).toEqual([]);
    expect(validate(SPEC)).toEqual([]);
  });

  it('is left out of the table when the spec does not declare it', () => {
    const service = buildService('jobs', parse(SPEC.replace('x-conflict-statuses: [409]\n', '')));
    expect('conflictStatuses' in service).toBe(false);
  });

  it.each([
    ['409', 'must be a list of HTTP status codes, e.g. [409] (got 409)'],
    ['{ status: 409 }', 'must be a list of HTTP status codes, e.g. [409] (got {"status":409})'],
  ])('refuses %s with its location', (value, message) => {
    expect(validate(SPEC.replace('x-conflict-statuses: [409]', `x-conflict-statuses: ${value}`))).toEqual([
      `specs/test.yaml:3:22: error x-conflict-statuses: ${message}`,
    ]);
  });

  it('names each bad entry of an operation', () => {
    expect(validate(SPEC.replace('x-conflict-statuses: []', "x-conflict-statuses: [409, 200, 409, '423', 600]"))).toEqual([
      'specs/test.yaml:15:34: error x-conflict-statuses: must be an error status between 400 and 599 (got 200)',
      'specs/test.yaml:15:39: error x-conflict-statuses: lists 409 twice',
      "specs/test.yaml:15:44: error x-conflict-statuses: must be an error status between 400 and 599 (got '423')",
      'specs/test.yaml:15:51: error x-conflict-statuses: must be an error status between 400 and 599 (got 600)',
    ]);
    expect(parseConflictStatuses(undefined)).toEqual({ value: null, issues: [] });
    expect(parseConflictStatuses([409, 423])).toEqual({ value: [409, 423], issues: [] });
  });
});
