import { type JsonSchema, validate } from '@trainwire/core';
import { HttpResponse, type RequestHandler } from 'msw';
import { service } from '../generated/tensafe.js';
import type { TenSafeMockState, TenSafeMockTrainingClient } from './tensafe-mock-state.js';

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
export type HandlerGroup = (context: TenSafeMockContext) => RequestHandler[];

/** The body of a route error as the server raises it: `HTTPException(detail={"error": {...}})`. */
export function routeErrorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { detail: { error: { code, message, ...(details ? { details } : {}) } } };
}

/** A route error (`{"detail": {"error": {code, message}}}`), `details` only where the server sends them. */
export function routeError(status: number, code: string, message: string, details?: Record<string, unknown>): Response {
  return HttpResponse.json(routeErrorBody(code, message, details), { status });
}

/** FastAPI's 422: `{"detail": [{type, loc, msg, input, ctx?}]}`. */
export function validationError(problems: Record<string, unknown>[]): Response {
  return HttpResponse.json({ detail: problems } as never, { status: 422 });
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

/**
 * A request body as FastAPI parses it before anything else runs: `{ value }`, or its 422 for text
 * that is not JSON (pydantic's `json_invalid`, with the parser's message in `ctx.error`).
 */
export function parseBody(text: string): { value: unknown } | { response: Response } {
  if (text === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const problem = {
      type: 'json_invalid',
      loc: ['body', 0],
      msg: 'JSON decode error',
      input: {},
      ctx: { error: (error as Error).message },
    };
    return { response: validationError([problem]) };
  }
}

/** The problem pydantic reports for `body` against the operation's spec schema (a missing body too), if any. */
export function bodyProblem(body: unknown, operation: string): Record<string, unknown> | undefined {
  if (body === undefined) return { type: 'missing', loc: ['body'], msg: 'Field required', input: null };
  const schema = service.operations[operation]?.body?.schema as JsonSchema | undefined;
  const issue = validate(schema, body, service.schemas, { rejectAdditional: true });
  if (!issue) return undefined;
  const loc = [
    'body',
    ...issue.path
      .replace(/^\$\.?/, '')
      .split(/[.[\]]+/)
      .filter(Boolean)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
  ];
  return { type: 'value_error', loc, msg: issue.reason, input: null };
}

/**
 * Answer a write once per `Idempotency-Key` (scoped by `scope`, the tenant): a repeat replays the
 * first answer without `handle` running. Server errors are not kept.
 */
export async function once(
  state: TenSafeMockState,
  request: Request,
  handle: () => Promise<Response> | Response,
  scope: string,
): Promise<Response> {
  const key = request.headers.get('idempotency-key');
  if (!key) return handle();
  const slot = `${scope} ${request.method} ${new URL(request.url).pathname} ${key}`;
  const known = state.idempotency.get(slot);
  if (known) return new Response(known.body === null ? null : known.body.slice(0), { status: known.status, headers: known.headers });
  const response = await handle();
  if (response.status < 500) {
    const body = response.body === null ? null : await response.clone().arrayBuffer();
    state.idempotency.set(slot, { status: response.status, headers: [...response.headers], body });
  }
  return response;
}

/** An integer query parameter as FastAPI's `Query(default, ge=, le=)` reads it, or pydantic's problem. */
export function boundedQuery(
  query: URLSearchParams,
  name: string,
  fallback: number,
  minimum: number,
  maximum?: number,
): { value: number } | { problem: Record<string, unknown> } {
  const text = query.get(name);
  if (text === null) return { value: fallback };
  const loc = ['query', name];
  if (!/^\s*[+-]?\d+\s*$/.test(text)) {
    return {
      problem: { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: text },
    };
  }
  const value = Number(text);
  if (value < minimum) {
    const msg = `Input should be greater than or equal to ${minimum}`;
    return { problem: { type: 'greater_than_equal', loc, msg, input: text, ctx: { ge: minimum } } };
  }
  if (maximum !== undefined && value > maximum) {
    const msg = `Input should be less than or equal to ${maximum}`;
    return { problem: { type: 'less_than_equal', loc, msg, input: text, ctx: { le: maximum } } };
  }
  return { value };
}

/** A timestamp as milliseconds; naive ones (the server's) are UTC. `undefined` when absent, NaN when unreadable. */
export function timeOf(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  return Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
}
