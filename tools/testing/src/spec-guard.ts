import type { ServiceDefinition } from '@trainwire/core';
import { createRequestChecker } from '@trainwire/core/mock-kit';
import { type HttpHandler, http } from 'msw';

/** An msw handler that checks every request against a service's operation table and never answers. */
export type SpecGuard = HttpHandler & {
  /** One line per problem of a request the spec forbids: `METHOD /path?query: where: why`. */
  readonly violations: string[];
  /** The operation key (`'GET /v1/runs/{id}'`) of every request checked, in order; `null` for none. */
  readonly checked: (string | null)[];
};

/**
 * Put first in a mock's handler list: every request under `baseURL` is checked by the spec guard of
 * `@trainwire/core/mock-kit` (the one the sandbox uses), strictly, and any mismatch (or a request
 * to no operation) lands in `guard.violations`. The guard never answers: its predicate returns
 * false, so msw goes on to the next handler, and a request no handler answers stays unhandled (a
 * resolver returning `undefined` would instead let msw send it to the network).
 */
export function specGuard(service: ServiceDefinition, baseURL: string): SpecGuard {
  const check = createRequestChecker(service, baseURL);
  const violations: string[] = [];
  const checked: (string | null)[] = [];
  const handler = http.all(
    async ({ request }) => {
      const url = new URL(request.url);
      if (!check.covers(url)) return false;
      // The body is read from a clone, so the handler that answers still has it.
      const result = check({ method: request.method, url, headers: request.headers, body: await request.clone().text() });
      if (!result) return false;
      checked.push(result.match ? result.match.key : null);
      const where = `${request.method} ${url.pathname}${url.search}`;
      for (const issue of result.issues) violations.push(`${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.reason}`);
      return false;
    },
    () => undefined,
  );
  return Object.assign(handler, { violations, checked });
}
