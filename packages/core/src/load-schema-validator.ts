import type { Validator } from './schema-validator.js';

/**
 * Loads `schemaValidator` with a dynamic import, for a transport's `validator`: a bundler puts the
 * JSON-schema interpreter in a chunk of its own, fetched when the first client is made rather than
 * with the page.
 */
export const loadSchemaValidator = (): Promise<Validator> => import('./schema-validator.js').then((module) => module.schemaValidator);
