import { pageOf, readOffsetPage, validationError } from '@trainwire/core/mock-kit';
import { HttpResponse, http } from 'msw';
import { type HandlerGroup, timeOf } from './tensafe-mock-http.js';

/**
 * The audit log of the caller's tenant, oldest first: filters (training client, operation, and the
 * documented time window) apply before the `offset`/`limit` slice, as the server's logger does.
 */
export const auditHandlers: HandlerGroup = ({ v1, state, route }) => [
  http.get(
    `${v1}/audit_logs`,
    route(({ request, tenantId }) => {
      const query = new URL(request.url).searchParams;
      const page = readOffsetPage(query, { defaultLimit: 100, maxLimit: 1000 });
      if ('problem' in page) return validationError([page.problem]);
      // The server does not read the window, so a time it could not parse is ignored too.
      const bound = (name: string) => {
        const time = timeOf(query.get(name));
        return time === undefined || Number.isNaN(time) ? undefined : time;
      };
      const [start, end] = [bound('start_time'), bound('end_time')];
      const clientId = query.get('training_client_id');
      const operation = query.get('operation');
      const entries = state.auditLog.filter((entry) => {
        const time = timeOf(entry.started_at) ?? 0;
        return (
          entry.tenant_id === tenantId &&
          (clientId === null || entry.training_client_id === clientId) &&
          (operation === null || entry.operation === operation) &&
          (start === undefined || time >= start) &&
          (end === undefined || time <= end)
        );
      });
      return HttpResponse.json(pageOf(entries, page));
    }),
  ),
];
