import type { Document } from '@redocly/openapi-core';
import { makeDocumentFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { formatProblem } from './problem.js';
import { validateExtensions } from './validate-extensions.js';

function validate(yaml: string): string[] {
  const document = makeDocumentFromString(yaml, '/repo/specs/test.yaml') as Document;
  return validateExtensions(document, '/repo').map(formatProblem);
}

const SPEC = `openapi: 3.1.0
info: { title: T, version: '1' }
security:
  - Basic: []
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - { name: offset, in: query, schema: { type: integer } }
        - { name: limit, in: query, schema: { type: integer } }
      x-pagination:
        style: offset
        items: data
        total: meta.count
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Page' }
    post:
      x-long-running: { id: id, poll: listThings, protocol: poll }
      responses:
        '204': { description: none }
components:
  securitySchemes:
    Basic: { type: http, scheme: basic }
  schemas:
    Page:
      type: object
      properties:
        data: { type: object }
        meta: { type: object, properties: { total: { type: integer } } }
`;

describe('validateExtensions', () => {
  it('checks body paths, success bodies, operationIds and the auth scheme, with locations', () => {
    expect(validate(SPEC)).toEqual([
      'specs/test.yaml:28:5: error auth-scheme: security scheme ' +
        "'Basic' (http basic) is not supported: use an apiKey in a header or http bearer",
      "specs/test.yaml:14:16: error x-pagination: items 'data' is not an array in the 200 response body",
      "specs/test.yaml:15:16: error x-pagination: total 'meta.count' is not in the 200 response body",
      'specs/test.yaml:22:5: error operation-operationId: Operation object should contain `operationId` field.',
      'specs/test.yaml:23:7: error x-long-running: the operation needs a 2xx response with a JSON body',
    ]);
  });

  it('accepts a spec whose extensions are right', () => {
    const fixed = SPEC.replace('data: { type: object }', 'data: { type: array }')
      .replace('meta.count', 'meta.total')
      .replace(
        "    post:\n      x-long-running: { id: id, poll: listThings, protocol: poll }\n      responses:\n        '204': { description: none }\n",
        '',
      )
      .replace('scheme: basic', 'scheme: bearer');
    expect(validate(fixed)).toEqual([]);
  });
});
