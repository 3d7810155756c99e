import { jsonInvalid, parseJsonBody, validationError } from '@trainwire/core/mock-kit';
import { HttpResponse } from 'msw';
import { sha256Hex } from '../tensafe/sha256.js';
import { bodyProblem, type RouteHandler, type RouteInfo, routeError, type TenSafeMockContext } from './tensafe-mock-http.js';
import type { TenSafeMockState } from './tensafe-mock-state.js';

/** What {@link createRoute} needs: who is who, the rate limit, and the state (seeded data, replays). */
export interface RouteOptions {
  apiKey: string;
  /** The tenant of `apiKey`, when not the derived one. */
  tenantId: string | undefined;
  rateLimitPerMinute: number;
  state: TenSafeMockState;
}

const MISSING_AUTHORIZATION = { type: 'missing', loc: ['header', 'authorization'], msg: 'Field required', input: null };

/** FastAPI's 422 for a body that is not JSON, at the position the parser stopped (V8 says it in its message). */
const badJson = (message: string) => jsonInvalid(message, Number(/at position (\d+)/.exec(message)?.[1] ?? 0));

/**
 * The wrapper every route of the mock goes through, in the order the server's stack answers:
 * the rate-limit middleware (optional here: a sliding minute per tenant, `TG_RATE_LIMIT_PER_MINUTE`,
 * answered in the SDK's `{"error": ...}` envelope with `Retry-After`); FastAPI's JSON parse of the
 * body (`json_invalid`); the demo auth dependency `get_tenant_id` (no header is a 422 problem,
 * one without `Bearer ` a 401, any other key tenant `tenant-` + 8 hex of its sha256); the body
 * against its schema (every 422 problem together); then the route, once per `Idempotency-Key`.
 */
export function createRoute(options: RouteOptions): TenSafeMockContext['route'] {
  const { apiKey, tenantId, rateLimitPerMinute: limit, state } = options;
  const tenantOf = (key: string) => (key === apiKey && tenantId ? tenantId : `tenant-${sha256Hex(key).slice(0, 8)}`);
  const requestTimes = new Map<string, number[]>();
  let limited = 0;

  const rateLimited = (request: Request): Response | undefined => {
    if (!Number.isFinite(limit)) return undefined;
    const bucket = request.headers.get('authorization') ?? '';
    const now = Date.now();
    const times = (requestTimes.get(bucket) ?? []).filter((time) => now - time < 60_000);
    requestTimes.set(bucket, times);
    if (times.length < limit) {
      times.push(now);
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((60_000 - (now - (times[0] ?? now))) / 1000));
    const requestId = `req-${String(++limited).padStart(6, '0')}`;
    const error = {
      code: 'RATE_LIMITED',
      message: `Rate limit exceeded: ${limit} requests per minute`,
      details: { limit },
      request_id: requestId,
    };
    return HttpResponse.json({ error }, { status: 429, headers: { 'retry-after': String(retryAfter), 'x-request-id': requestId } });
  };

  return <Body>(handle: RouteHandler<Body>, write?: { body?: string }) =>
    async ({ request, params }: RouteInfo) => {
      const refused = rateLimited(request);
      if (refused) return refused;
      const parsed = write?.body ? parseJsonBody(await request.clone().text(), badJson) : { value: undefined };
      if ('response' in parsed) return parsed.response;
      const header = request.headers.get('authorization');
      if (header !== null && !header.startsWith('Bearer ')) {
        return routeError(401, 'AUTHENTICATION_REQUIRED', 'Invalid authorization header');
      }
      const problems = [
        ...(header === null ? [MISSING_AUTHORIZATION] : []),
        ...(write?.body ? [bodyProblem(parsed.value, write.body)].filter((problem) => problem !== undefined) : []),
      ];
      if (problems.length > 0) return validationError(problems);
      const caller = tenantOf((header as string).slice('Bearer '.length));
      await state.ready;
      const run = () => handle({ request, params, tenantId: caller, body: parsed.value as Body });
      return write ? state.replay.once(request, run, caller) : run();
    };
}
