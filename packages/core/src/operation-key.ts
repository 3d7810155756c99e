import type { HttpMethod } from './service-definition.js';

/** The method and the path template of an operation key of `ServiceDefinition.operations` (`'GET /runs/{id}'`). */
export function splitOperationKey(key: string): { method: HttpMethod; path: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space) as HttpMethod, path: key.slice(space + 1) };
}
