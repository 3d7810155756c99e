import { splitOperationKey } from '../operation-key.js';
import type { HttpMethod, OperationDefinition, ServiceDefinition } from '../service-definition.js';

/** The operation a request addresses, with its path parameters decoded. */
export interface OperationMatch {
  /** The operation key, `'GET /v1/runs/{run_id}'`. */
  key: string;
  operation: OperationDefinition;
  pathParams: Record<string, string>;
  /** Path segments that are not valid percent-encoding (kept as sent in `pathParams`). */
  undecodable: string[];
}

/** What an {@link OperationMatcher} answers: a match, a path served under other methods only, or nothing. */
export type MatchResult = { found: OperationMatch } | { allowed: string[] } | { none: true };

/** Finds the operation of a method and a path below the service's base URL. */
export type OperationMatcher = (method: string, path: string) => MatchResult;

interface Route {
  key: string;
  operation: OperationDefinition;
  method: HttpMethod;
  pattern: RegExp;
  names: string[];
  literals: number;
}

/**
 * Index a service's operations by path template, so a request's method and path (below the
 * service's base URL) find their operation. A literal segment beats a parameter (`/runs/latest`
 * before `/runs/{id}`); a parameter never matches an empty segment or a raw `/`.
 */
export function createOperationMatcher(definition: ServiceDefinition): OperationMatcher {
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
      return { key, operation, method, pattern: new RegExp(`^${source}$`), names, literals };
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
      const undecodable: string[] = [];
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, index) => {
        const raw = values[index + 1] ?? '';
        try {
          pathParams[name] = decodeURIComponent(raw);
        } catch {
          undecodable.push(raw);
          pathParams[name] = raw;
        }
      });
      return { found: { key: route.key, operation: route.operation, pathParams, undecodable } };
    }
    return allowed.length > 0 ? { allowed: [...new Set(allowed)] } : { none: true };
  };
}
