import { detail, validationError } from '@trainwire/core/mock-kit';
import { pydanticProblem } from './tensafe-pydantic-problem.js';

/**
 * How the TenSafe server (FastAPI 0.115, pydantic 2) answers what a spec check refuses, for a
 * server such as `trainwire-sandbox` that checks requests before the mock sees them: an invalid
 * parameter or body is a 422 `{"detail": [{type, loc, msg, input, ctx?}]}`, an unknown path a 404
 * and a known path with another method a 405, both `{"detail": "..."}`.
 */
export const tensafeRejection = {
  invalid(issues: { path: string; reason: string }[]): Response {
    return validationError(issues.map(({ path, reason }) => pydanticProblem(path, reason)));
  },
  notFound(): Response {
    return detail(404, 'Not Found');
  },
  methodNotAllowed(): Response {
    return detail(405, 'Method Not Allowed');
  },
};
