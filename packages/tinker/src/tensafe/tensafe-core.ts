// createTenSafeCore in a module of its own: it loads the schemas chunk with a dynamic import, which the
// client class, importing the functions, must not see (a bundler would wrap the schemas for lazy loading).
import { createTransport, loadSchemaValidatorWith } from '@trainwire/core';
import { type paths, serviceInfo } from '../generated/tensafe.js';
import type { TenSafeCore } from './tensafe-functions.js';
import { type TenSafeClientOptions, tenSafeSettings } from './tensafe-settings.js';

/** A client core for the standalone functions (`listTrainingClients(core)`), with the options of the TenSafe `ServiceClient`. */
export function createTenSafeCore(options: TenSafeClientOptions = {}): TenSafeCore {
  // The schemas come with the interpreter, in a chunk of their own: a call's bundle carries neither.
  const definition = { ...serviceInfo, operations: {}, schemas: {} };
  const validator = loadSchemaValidatorWith(() => import('../generated/tensafe-schemas.js'));
  const settings = tenSafeSettings(options, definition, validator);
  return { transport: createTransport<paths>(settings.transport), config: settings.config };
}
