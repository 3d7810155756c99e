import type { Validator } from './schema-validator.js';
import type { ServiceDefinition } from './service-definition.js';

/**
 * Loads `schemaValidator` with a dynamic import, for a transport's `validator`: a bundler puts the
 * JSON-schema interpreter in a chunk of its own, fetched when the first client is made rather than
 * with the page.
 */
export const loadSchemaValidator = (): Promise<Validator> => import('./schema-validator.js').then((module) => module.schemaValidator);

/**
 * {@link loadSchemaValidator} for a table that leaves its `schemas` out (standalone functions):
 * loads the interpreter and the schemas module codegen writes beside the table (`import('./x-schemas.js')`)
 * together, and resolves every `$ref` against those schemas, so neither is in the bundle of a call.
 */
export const loadSchemaValidatorWith = (loadSchemas: () => Promise<Pick<ServiceDefinition, 'schemas'>>) => (): Promise<Validator> =>
  Promise.all([loadSchemaValidator(), loadSchemas()]).then(([validator, { schemas }]) => ({
    request: (operation, params, body) => validator.request(operation, params, body, schemas),
    response: (schema, value) => validator.response(schema, value, schemas),
  }));
