import { HttpResponse, type RequestHandler } from 'msw';
import type { MiddlemanMockState, MockJob } from './jobs-state.js';

/** What every group of handlers shares: where it is served, the state, and the FastAPI-style answers. */
export interface MockContext {
  base: string;
  /** Where presigned URLs point (`<base>/_storage`). */
  storage: string;
  state: MiddlemanMockState;
  stepsPerPoll: number;
}

/** A group of handlers of the Middleman mock. */
export type HandlerGroup = (context: MockContext) => RequestHandler[];

/** A FastAPI error: `{"detail": message}`. */
export const detail = (status: number, message: string, headers?: Record<string, string>) =>
  HttpResponse.json({ detail: message }, { status, headers });

/** A FastAPI validation error: 422 with `detail: [{loc, msg, type}]`. */
export const invalid = (problems: { loc: (string | number)[]; msg: string; type: string }[]) =>
  HttpResponse.json({ detail: problems }, { status: 422 });

/** The job, advanced to now, or undefined. */
export function findJob(context: MockContext, id: unknown): MockJob | undefined {
  const entry = context.state.jobs.get(String(id));
  if (entry) context.state.advance(entry);
  return entry;
}

export const jobNotFound = (id: unknown) => detail(404, `Job ${String(id)} not found`);

/** Replays the first answer to a write that repeats its Idempotency-Key; a key reused for another request is a 422. */
export async function once(
  context: MockContext,
  request: Request,
  handle: (body: string) => Promise<Response> | Response,
): Promise<Response> {
  const body = await request.text();
  const key = request.headers.get('idempotency-key');
  const url = new URL(request.url);
  const fingerprint = `${request.method} ${url.pathname}${url.search} ${body}`;
  const known = key ? context.state.idempotency.get(key) : undefined;
  if (known) {
    if (known.fingerprint !== fingerprint) return detail(422, 'Idempotency-Key was already used for a different request');
    return HttpResponse.json(known.body as never, { status: known.status, headers: { 'Idempotent-Replayed': 'true' } });
  }
  const response = await handle(body);
  if (key && response.status < 500) {
    context.state.idempotency.set(key, { fingerprint, status: response.status, body: await response.clone().json() });
  }
  return response;
}

/** `limit` (1–100, default 20) and `offset` (≥ 0) of a list, or the 422 FastAPI would send. */
export function pageQuery(request: Request): { limit: number; offset: number } | Response {
  const query = new URL(request.url).searchParams;
  const limit = Number(query.get('limit') ?? 20);
  const offset = Number(query.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return invalid([{ loc: ['query', 'limit'], msg: 'Input should be between 1 and 100', type: 'less_than_equal' }]);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    return invalid([{ loc: ['query', 'offset'], msg: 'Input should be greater than or equal to 0', type: 'greater_than_equal' }]);
  }
  return { limit, offset };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
