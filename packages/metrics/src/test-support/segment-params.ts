import { type JsonSchema, type OperationDefinition, type ServiceDefinition, splitOperationKey } from '@trainwire/core';

/**
 * The service with every path segment that mixes text and a parameter (Runicorn's `v{version}`)
 * turned into a whole-segment parameter whose schema is a pattern of the wire text (`^v[0-9]+$`
 * for an integer), so `specGuard`, which matches whole segments only, can check those requests too.
 */
export function withWholeSegmentParams(service: ServiceDefinition): ServiceDefinition {
  const operations: Record<string, OperationDefinition> = {};
  for (const [key, operation] of Object.entries(service.operations)) {
    const properties: Record<string, JsonSchema> = { ...(operation.params.path?.properties ?? {}) };
    const { method, path: template } = splitOperationKey(key);
    const path = template
      .split('/')
      .map((segment) => {
        const mixed = /^([^{}]+)\{([^{}]+)\}$/.exec(segment);
        if (!mixed) return segment;
        const [, prefix, name] = mixed as unknown as [string, string, string];
        const value = properties[name]?.type === 'integer' ? '-?[0-9]+' : '.+';
        properties[name] = { type: 'string', pattern: `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${value}$` };
        return `{${name}}`;
      })
      .join('/');
    const params = operation.params.path ? { ...operation.params, path: { ...operation.params.path, properties } } : operation.params;
    operations[`${method} ${path}`] = { ...operation, params };
  }
  return { ...service, operations };
}
