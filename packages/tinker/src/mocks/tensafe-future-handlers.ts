import { HttpResponse, http } from 'msw';
import { type HandlerGroup, routeError } from './tensafe-mock-http.js';
import type { TenSafeMockFuture } from './tensafe-mock-state.js';

/** Futures: status (each poll may move it on), result (where the server audits it) and cancel. */
export const futureHandlers: HandlerGroup = ({ v1, state, route, pollsUntilDone }) => {
  /** The tenant's future, or the server's 404. */
  const find = (tenantId: string, id: unknown): TenSafeMockFuture | Response => {
    const future = state.futures.get(String(id));
    return future && future.tenantId === tenantId ? future : routeError(404, 'FUTURE_NOT_FOUND', `Future '${String(id)}' not found`);
  };
  return [
    http.get(
      `${v1}/futures/:futureId`,
      route(({ params, tenantId }) => {
        const future = find(tenantId, params.futureId);
        if (future instanceof Response) return future;
        state.advance(future, pollsUntilDone);
        return HttpResponse.json(future.response);
      }),
    ),
    http.get(
      `${v1}/futures/:futureId/result`,
      route(({ params, tenantId }) => {
        const future = find(tenantId, params.futureId);
        if (future instanceof Response) return future;
        // The server writes a finished future's audit entry here, on every read of its result.
        state.auditResult(future);
        const { future_id, status } = future.response;
        return HttpResponse.json({ future_id, status, result: future.result, error: future.error });
      }),
    ),
    http.post(
      `${v1}/futures/:futureId/cancel`,
      route(({ params, tenantId }) => {
        const future = find(tenantId, params.futureId);
        return future instanceof Response ? future : HttpResponse.json({ success: state.cancel(future) });
      }),
    ),
  ];
};
