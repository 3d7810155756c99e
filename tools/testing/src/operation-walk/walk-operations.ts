import type { ServiceDefinition } from '@trainwire/core';
import type { RequestHandler } from 'msw';
import type { TransportCall } from './transport-calls.js';
import { type WalkMockOptions, walkMock } from './walk-mock.js';

/** What {@link walkOperations} checks one service with. */
export interface OperationWalk {
  service: ServiceDefinition;
  /** The transport calls of the service's client sources (see `transportCalls`). */
  calls: TransportCall[];
  /** Operations no client method calls, on purpose: operation key → why. */
  unwrapped: Record<string, string>;
  /** Transport calls that pass other calls through (their own path is not a literal): site → why. */
  forwarding?: Record<string, string>;
  /** The mock's handlers, fresh, and how to reach them. */
  mock: { handlers: RequestHandler[] } & WalkMockOptions;
}

/**
 * Walk a service's generated operation table: every operation must be called by a client method
 * (a transport call whose method and path the compiler resolves to it) or be listed in `unwrapped`
 * with why, and the mock must answer it with something other than 501 (404 for a made-up id is
 * fine). Returns one line per problem, sorted; the lists themselves are checked too, so they cannot
 * go stale (an unwrapped operation that is now called, a forwarding site that is gone).
 */
export async function walkOperations(walk: OperationWalk): Promise<string[]> {
  const { service, calls, unwrapped, forwarding = {} } = walk;
  const operations = new Set(Object.keys(service.operations));
  const problems: string[] = [];
  const calledBy = new Map<string, string[]>();
  for (const call of calls) {
    if (call.keys.length === 0) {
      if (!(call.site in forwarding))
        problems.push(
          `client: the transport call at ${call.where} resolves to no operation (if it forwards calls, list ${JSON.stringify(call.site)} in forwarding)`,
        );
      continue;
    }
    for (const key of call.keys) {
      if (!operations.has(key)) problems.push(`client: ${call.where} calls ${key}, not an operation of ${service.name}`);
      calledBy.set(key, [...(calledBy.get(key) ?? []), call.where]);
    }
  }
  for (const site of Object.keys(forwarding)) {
    if (!calls.some((call) => call.site === site && call.keys.length === 0))
      problems.push(`client: forwarding lists ${JSON.stringify(site)}, which makes no such call`);
  }
  for (const key of operations) {
    const callers = calledBy.get(key);
    if (!callers && !(key in unwrapped)) problems.push(`client: no method calls ${key} (wrap it, or list it as unwrapped with why)`);
    if (callers && key in unwrapped) problems.push(`client: ${key} is listed as unwrapped, but ${callers.join(', ')} calls it`);
  }
  for (const key of Object.keys(unwrapped))
    if (!operations.has(key)) problems.push(`client: unwrapped lists ${key}, not an operation of ${service.name}`);

  for (const answer of await walkMock(service, walk.mock.handlers, walk.mock)) {
    if (answer.status === 'unhandled') problems.push(`mock: no handler answers ${answer.key}`);
    else if (answer.status === 501) problems.push(`mock: ${answer.key} answers 501`);
  }
  return problems.sort();
}
