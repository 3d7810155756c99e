import { type JsonSchema, validate } from '@trainwire/core';
import { detail, type HandlerGroup as KitHandlerGroup, type ValidationProblem } from '@trainwire/core/mock-kit';
import { service } from '../generated/tensafe-service.js';
import type { TenSafeMockState, TenSafeMockTrainingClient } from './tensafe-mock-state.js';
import { pydanticProblem } from './tensafe-pydantic-problem.js';

/** What the handler groups of the TenSafe mock share. */
export interface TenSafeMockContext {
  /** `<baseURL>/v1`, where the router is mounted. */
  v1: string;
  state: TenSafeMockState;
  /** Polls after which a future finishes. */
  pollsUntilDone: number;
  /** Bytes per chunk of a streamed artifact. */
  chunkSize: number;
  /** Unfinished futures per tenant before a 503 `QUEUE_FULL`. */
  queueCapacity: number;
  /**
   * Wrap a resolver as FastAPI runs a route: rate limit, the JSON body parsed, the auth dependency,
   * the body checked against `write.body` (the operation's spec schema), then the route, once per
   * `Idempotency-Key` for a write.
   */
  route: <Body = undefined>(handle: RouteHandler<Body>, write?: { body?: string }) => (info: RouteInfo) => Promise<Response>;
}

/** What msw hands a resolver, as the mock's handlers use it. */
export interface RouteInfo {
  request: Request;
  params: Record<string, string | readonly string[] | undefined>;
}

/** A resolver that knows its caller's tenant and, for a write with a body, the checked body. */
export type RouteHandler<Body = undefined> = (call: RouteInfo & { tenantId: string; body: Body }) => Promise<Response> | Response;

/** A group of the TenSafe mock's handlers. */
export type HandlerGroup = KitHandlerGroup<TenSafeMockContext>;

/**
 * A route error as the server raises it, `HTTPException(detail={"error": {code, message}})`, with
 * `details` only where the server sends them.
 */
export function routeError(status: number, code: string, message: string, details?: Record<string, unknown>): Response {
  return detail(status, { error: { code, message, ...(details ? { details } : {}) } });
}

/** The training client `id` of `tenantId`; another tenant's is not found, as the server's lookups scope by tenant. */
export function ownClient(state: TenSafeMockState, tenantId: string, id: unknown): TenSafeMockTrainingClient | undefined {
  const client = state.trainingClients.get(String(id));
  return client && client.info.tenant_id === tenantId ? client : undefined;
}

/** The 404 a training-client route answers (`GET /training_clients/{id}` adds the id in `details`). */
export function clientNotFound(id: unknown, withDetails = false): Response {
  const text = String(id);
  return routeError(
    404,
    'TRAINING_CLIENT_NOT_FOUND',
    `Training client '${text}' not found`,
    withDetails ? { training_client_id: text } : undefined,
  );
}

/** The problem pydantic reports for `body` against the operation's spec schema (a missing body too), if any. */
export function bodyProblem(body: unknown, operation: string): ValidationProblem | undefined {
  if (body === undefined) return pydanticProblem('body', 'is required');
  const schema = service.operations[operation]?.body?.schema as JsonSchema | undefined;
  const issue = validate(schema, body, service.schemas, { rejectAdditional: true });
  return issue && pydanticProblem(`body${issue.path.replace(/^\$/, '')}`, issue.reason);
}

/** A timestamp as milliseconds; naive ones (the server's) are UTC. `undefined` when absent, NaN when unreadable. */
export function timeOf(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  return Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}
