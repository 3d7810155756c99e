import { createConfig } from '@redocly/openapi-core';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { formatTypeScript } from './format-typescript.js';

/**
 * Runs openapi-typescript on an already linted and bundled spec and returns its output formatted
 * with 2-space indentation and single quotes. Linting is not repeated here.
 */
export async function generateTypes(bundled: Record<string, unknown>, specUrl: URL): Promise<string> {
  const noRules = await createConfig({ extends: [], rules: {} });
  const nodes = await openapiTS(structuredClone(bundled) as unknown as OpenAPI3, {
    cwd: specUrl,
    redocly: noRules,
    silent: true,
    exportType: false,
    alphabetize: false,
    // A field with a `default` stays optional: a caller may leave it out of a request.
    defaultNonNullable: false,
  });
  return formatTypeScript(astToString(nodes));
}
