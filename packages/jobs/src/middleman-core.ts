// createMiddlemanCore in a module of its own: it loads the schemas chunk with a dynamic import, which the
// client class, importing the functions, must not see (a bundler would wrap the schemas for lazy loading).
import { createTransport, loadSchemaValidatorWith } from '@trainwire/core';
import { type paths, serviceInfo } from './generated/jobs.js';
import type { MiddlemanCore } from './middleman-functions.js';
import { type MiddlemanClientOptions, middlemanTransportOptions } from './middleman-settings.js';

/** A client core for the standalone functions (`getJob(core, jobId)`), with the options of `MiddlemanClient`. */
export function createMiddlemanCore(options: MiddlemanClientOptions = {}): MiddlemanCore {
  // The schemas come with the interpreter, in a chunk of their own: a call's bundle carries neither.
  const definition = { ...serviceInfo, operations: {}, schemas: {} };
  const validator = loadSchemaValidatorWith(() => import('./generated/jobs-schemas.js'));
  const transport = createTransport<paths>({ ...middlemanTransportOptions(options, definition), validator });
  return { transport, baseURL: transport.baseURL };
}
