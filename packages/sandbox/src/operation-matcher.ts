import { type HttpMethod, type OperationDefinition, type ServiceDefinition, splitOperationKey } from '@trainwire/core';

/** The operation a request addresses, with its path parameters decoded. */
export interface OperationMatch {
  operation: OperationDefinition;
  pathParams: Record<string, string>;
}

/** What {@link createOperationMatcher} answers: a match, a path served under other methods, or nothing. */
export type MatchResult = { found: OperationMatch } | { allowed: string[] } | { none: true };

interface Route {
  operation: OperationDefinition;
  method: HttpMethod;
  pattern: RegExp;
  names: string[];
  literals: number;
}

/**
 * Index a service's operations by path template, so a request's method and path (below the
 * service's base URL) find their operation. A literal segment beats a parameter
 * (`/runs/latest` before `/runs/{id}`).
 */
export function createOperationMatcher(definition: ServiceDefinition): (method: string, path: string) => MatchResult {
  const routes: Route[] = Object.entries(definition.operations)
    .map(([key, operation]) => {
      const { method, path } = splitOperationKey(key);
      const names: string[] = [];
      const source = path
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(name);
          return '([^/]+)';
        })
        .join('');
      const literals = path.split('/').filter((segment) => segment && !segment.includes('{')).length;
      return { operation, method, pattern: new RegExp(`^${source}$`), names, literals };
    })
    .sort((left, right) => right.literals - left.literals || left.names.length - right.names.length);

  return (method, path) => {
    const allowed: string[] = [];
    for (const route of routes) {
      const values = route.pattern.exec(path);
      if (!values) continue;
      if (route.method !== method.toUpperCase()) {
        allowed.push(route.method);
        continue;
      }
      const pathParams = Object.fromEntries(route.names.map((name, index) => [name, safeDecode(values[index + 1] ?? '')]));
      return { found: { operation: route.operation, pathParams } };
    }
    return allowed.length > 0 ? { allowed: [...new Set(allowed)] } : { none: true };
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
