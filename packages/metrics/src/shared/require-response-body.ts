import { ResponseValidationError, type ServiceDefinition, type Transport } from '@trainwire/core';

/**
 * A transport whose `request` refuses an empty 2xx answer to an operation that declares a JSON
 * body, with `ResponseValidationError`, instead of resolving with `undefined` (which the clients
 * would then read a field of). Core's `request` skips validation when the body is empty, so this
 * guards the clients until it does not; `status` is the 2xx the spec declares for the operation.
 */
export function requireResponseBody<Paths extends {}>(transport: Transport<Paths>, definition: ServiceDefinition): Transport<Paths> {
  const request = (async (method: string, path: string, init: unknown, options?: unknown) => {
    const data = await transport.request(method as never, path as never, init as never, options as never);
    if (data !== undefined) return data;
    const operation = transport.operation(method, path);
    const declared = Object.entries(operation?.responses ?? {}).find(([status, response]) => status.startsWith('2') && response.schema);
    if (!operation || !declared) return data;
    throw new ResponseValidationError({
      status: Number(declared[0]),
      path: '$',
      reason: `the body is empty; the spec declares ${declared[1].contentType}`,
      operation: `${definition.title || definition.name} ${operation.operationId}`,
    });
  }) as Transport<Paths>['request'];
  return { ...transport, request };
}
