import { APIPromise, InvalidRequestError, type PageOptions, PagePromise, type RequestOptions, type Transport } from '@trainwire/core';
import {
  cancelFutureOperation,
  deleteTrainingClientOperation,
  getAuditLogsOperation,
  getFutureOperation,
  getFutureResultOperation,
  getTrainingClientOperation,
  listTrainingClientsOperation,
  type paths,
} from '../generated/tensafe.js';
import type { AuditLogEntry } from './tensafe-audit.js';
import { auditLogPages } from './tensafe-audit-window.js';
import type { TenSafeConfig } from './tensafe-settings.js';
import type { FutureResponse, FutureResultResponse, TrainingClientInfo, TrainingClientListStatus } from './tensafe-types.js';

/**
 * What the standalone functions call through: one TenSafe transport whose table holds no
 * operations (each function brings its own), so a bundle carries only the functions it imports.
 */
export interface TenSafeCore {
  /** @internal */
  readonly transport: Transport<paths>;
  /** The resolved settings, as `ServiceClient.config` has them. */
  readonly config: TenSafeConfig;
}

/** How the documented `list_training_clients(status=...)` values map onto the server's statuses. */
const STATUS_GROUPS: Record<TrainingClientListStatus, readonly string[]> = {
  active: ['initializing', 'ready', 'busy'],
  completed: ['terminated'],
  failed: ['error'],
};

const trainingClientPath = (trainingClientId: string) => ({
  params: { path: { training_client_id: checkId(trainingClientId, 'trainingClientId') } },
});
const futurePath = (futureId: string) => ({ params: { path: { future_id: checkId(futureId, 'futureId') } } });

/** A training client's info (`GET /v1/training_clients/{id}`); `ServiceClient.getTrainingClient` wraps it in a `TrainingClient`. */
export function getTrainingClientInfo(
  core: TenSafeCore,
  trainingClientId: string,
  options?: RequestOptions,
): APIPromise<TrainingClientInfo> {
  return APIPromise.try(() =>
    core.transport.request(
      'get',
      '/v1/training_clients/{training_client_id}',
      trainingClientPath(trainingClientId),
      options,
      getTrainingClientOperation,
    ),
  );
}

/**
 * The tenant's training clients, oldest first, at most `limit` (default 100). `status` is the
 * documented filter (`active`, `completed`, `failed`); it is sent and also applied here, since the
 * reference server ignores it.
 */
export function listTrainingClients(
  core: TenSafeCore,
  params: { status?: TrainingClientListStatus; limit?: number } = {},
  options?: RequestOptions,
): APIPromise<TrainingClientInfo[]> {
  return APIPromise.try(() => {
    // Only the documented keys go on the wire: an unknown key would be a query parameter the spec does not have.
    const { status, limit = 100 } = params ?? {};
    const query = { limit, ...(status === undefined ? {} : { status }) };
    return core.transport
      .request('get', '/v1/training_clients', { params: { query } }, options, listTrainingClientsOperation)
      .map((clients) => {
        const wanted = query.status === undefined ? undefined : STATUS_GROUPS[query.status];
        return clients.filter((client) => wanted === undefined || wanted.includes(client.status)).slice(0, query.limit);
      });
  });
}

/** Delete a training client (documented; the reference server has no such route and answers 404/405). */
export function deleteTrainingClient(core: TenSafeCore, trainingClientId: string, options?: RequestOptions): APIPromise<void> {
  return APIPromise.try(() =>
    core.transport
      .request(
        'delete',
        '/v1/training_clients/{training_client_id}',
        trainingClientPath(trainingClientId),
        options,
        deleteTrainingClientOperation,
      )
      .map(() => undefined),
  );
}

/** One poll of a future's status (`GET /v1/futures/{id}`); `ServiceClient.getFuture` follows it to the end. */
export function getFutureStatus(core: TenSafeCore, futureId: string, options?: RequestOptions): APIPromise<FutureResponse> {
  return APIPromise.try(() => core.transport.request('get', '/v1/futures/{future_id}', futurePath(futureId), options, getFutureOperation));
}

/** A future's result as the server has it now (`GET /v1/futures/{id}/result`). */
export function getFutureResult(core: TenSafeCore, futureId: string, options?: RequestOptions): APIPromise<FutureResultResponse> {
  return APIPromise.try(() =>
    core.transport.request('get', '/v1/futures/{future_id}/result', futurePath(futureId), options, getFutureResultOperation),
  );
}

/** Ask the server to cancel a future (`POST /v1/futures/{id}/cancel`). */
export function cancelFuture(core: TenSafeCore, futureId: string, options?: RequestOptions): APIPromise<{ success: boolean }> {
  return APIPromise.try(() =>
    core.transport.request('post', '/v1/futures/{future_id}/cancel', futurePath(futureId), options, cancelFutureOperation),
  );
}

/** Filters of {@link getAuditLogs} (and `ServiceClient.getAuditLogs`). */
export interface AuditLogsParams {
  training_client_id?: string;
  operation?: string;
  start_time?: Date | string;
  end_time?: Date | string;
  limit?: number;
  offset?: number;
}

/**
 * Audit log entries, oldest first, filtered by training client, operation and time
 * (`start_time`/`end_time` on `started_at`; a `Date` or an ISO string, sent and also applied here,
 * since the reference server ignores them). `await` it for the first page (`limit`, default 100,
 * entries from the server, those in the window kept), `for await` it for every entry.
 */
export function getAuditLogs(
  core: TenSafeCore,
  params: AuditLogsParams = {},
  options?: RequestOptions & PageOptions,
): PagePromise<AuditLogEntry[], AuditLogEntry> {
  const { training_client_id, operation, start_time, end_time, limit = 100, offset } = params ?? {};
  let query: Record<string, unknown>;
  try {
    // Only the documented keys go on the wire: an unknown key would be a query parameter the spec does not have.
    query = Object.fromEntries(
      Object.entries({
        training_client_id,
        operation,
        start_time: start_time === undefined ? undefined : timestamp(start_time, 'start_time'),
        end_time: end_time === undefined ? undefined : timestamp(end_time, 'end_time'),
        limit,
        offset,
      }).filter(([, value]) => value !== undefined),
    );
    if (query.start_time && query.end_time && Date.parse(query.start_time as string) > Date.parse(query.end_time as string)) {
      throw new InvalidRequestError('query.end_time', 'must not be before start_time');
    }
  } catch (error) {
    // Bad parameters reject the list (await and for await) rather than throwing at the call.
    return new PagePromise(() => Promise.reject(error), {}, { items: () => [], next: () => null });
  }
  return auditLogPages(core.transport, query, options, getAuditLogsOperation);
}

/** `value` when it is a non-empty string, else an `InvalidRequestError` naming `field`. */
export function checkId(value: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidRequestError(field, 'must be a non-empty string');
  return value;
}

function timestamp(value: Date | string, field: string): string {
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new InvalidRequestError(`query.${field}`, 'must be a Date or an ISO-8601 date-time');
  return value instanceof Date ? value.toISOString() : value;
}
