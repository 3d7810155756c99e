// createTinkerCore in a module of its own: it loads the schemas chunk with a dynamic import, which the
// client class, importing the functions, must not see (a bundler would wrap the schemas for lazy loading).
import { createTransport, loadSchemaValidatorWith } from '@trainwire/core';
import { type paths, serviceInfo } from '../generated/tinker.js';
import type { TinkerCore } from './tinker-functions.js';
import { type TinkerCoreOptions, tinkerTransportOptions } from './tinker-settings.js';

/** A client core for the standalone functions (`getTrainingRun(core, id)`), with the connection options of `ServiceClient`. */
export function createTinkerCore(options: TinkerCoreOptions = {}): TinkerCore {
  // The schemas come with the interpreter, in a chunk of their own: a call's bundle carries neither.
  const definition = { ...serviceInfo, operations: {}, schemas: {} };
  const validator = loadSchemaValidatorWith(() => import('../generated/tinker-schemas.js'));
  const transport = createTransport<paths>(tinkerTransportOptions(options, definition, validator));
  return { transport, maxRetries: options.maxRetries ?? 2, baseURL: transport.baseURL };
}
