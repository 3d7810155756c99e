// createRunicornCore in a module of its own: it loads the schemas chunk with a dynamic import, which the
// client class, importing the functions, must not see (a bundler would wrap the schemas for lazy loading).
import { loadSchemaValidatorWith } from '@trainwire/core';
import { serviceInfo } from '../generated/runicorn.js';
import { type RunicornClientOptions, type RunicornCore, runicornCore } from './runicorn-functions.js';

/**
 * A client core for the standalone functions (`getExperiment(core, runId)`), with the arguments of
 * `RunicornClient`: a base URL or options (default `RUNICORN_BASE_URL`, `RUNICORN_API_KEY`).
 */
export function createRunicornCore(baseURLOrOptions?: string | RunicornClientOptions, options: RunicornClientOptions = {}): RunicornCore {
  // The schemas come with the interpreter, in a chunk of their own: a call's bundle carries neither.
  const definition = { ...serviceInfo, operations: {}, schemas: {} };
  const validator = loadSchemaValidatorWith(() => import('../generated/runicorn-schemas.js'));
  return runicornCore(baseURLOrOptions, options, definition, validator);
}
