import {
  type OperationDefinition,
  type PageOptions,
  PagePromise,
  paginationStrategy,
  type RequestOptions,
  TrainwireError,
  type Transport,
} from '@trainwire/core';
import type { paths } from '../generated/tensafe.js';
import type { AuditLogEntry } from './tensafe-audit.js';

type AuditQuery = Record<string, unknown>;

/** Milliseconds of an ISO timestamp; one without an offset (the server writes them so) is UTC. */
export function utcMillis(value: string): number {
  return Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}

/**
 * The audit log's pages with the documented time window (`start_time`/`end_time`, on
 * `started_at`) applied here too: the reference server does not read them and answers every entry.
 * Paging still counts the entries the server sent, so each next `offset` is the server's.
 */
export function auditLogPages(
  transport: Transport<paths>,
  query: AuditQuery,
  options: RequestOptions & PageOptions = {},
  entry: OperationDefinition,
): PagePromise<AuditLogEntry[], AuditLogEntry> {
  const start = typeof query.start_time === 'string' ? utcMillis(query.start_time) : Number.NEGATIVE_INFINITY;
  const end = typeof query.end_time === 'string' ? utcMillis(query.end_time) : Number.POSITIVE_INFINITY;
  const definition = entry?.pagination;
  if (!definition) throw new TrainwireError('GET /v1/audit_logs is not a paginated operation in the TenSafe spec.');
  const base = paginationStrategy(definition);
  // Each filtered page remembers the page the server sent, for the next offset.
  const sent = new WeakMap<AuditLogEntry[], AuditLogEntry[]>();
  const { maxItems, maxPages, ...requestOptions } = options;
  // An APIPromise, so the PagePromise keeps each page's response.
  const fetchPage = (pageQuery: AuditQuery, signal?: AbortSignal) => {
    const init = { params: { query: pageQuery } } as never;
    return transport.request('get', '/v1/audit_logs', init, { ...requestOptions, signal }, entry).map((entries: AuditLogEntry[]) => {
      const kept = entries.filter((entry) => {
        const time = utcMillis(entry.started_at);
        return time >= start && time <= end;
      });
      sent.set(kept, entries);
      return kept;
    });
  };
  return new PagePromise(
    fetchPage,
    query,
    { items: (page) => page, next: (page, pageQuery) => base.next(sent.get(page) ?? page, pageQuery) },
    { maxItems, maxPages, signal: requestOptions.signal },
  );
}
