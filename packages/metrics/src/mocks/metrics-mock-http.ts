import { cursorPage, type HandlerGroup as KitHandlerGroup, type mockHttp, parseJsonBody } from '@trainwire/core/mock-kit';
import { HttpResponse } from 'msw';
import type { MetricsMockState } from './metrics-mock-state.js';

/** What every group of handlers shares: where it is served, the state, and msw's `http` that stamps request ids. */
export interface MetricsMockContext {
  /** `<baseURL>/api/v1`, where every route is. */
  api: string;
  state: MetricsMockState;
  http: ReturnType<typeof mockHttp>;
}

/** A group of handlers of the Syvain Metrics mock. */
export type HandlerGroup = KitHandlerGroup<MetricsMockContext>;

/** An answer kept as data until sent (what the idempotent writes return). */
export interface Reply {
  status: number;
  body: unknown;
}

// A conflict (taken slug, folder cycle) will not go away by retrying: say so, as `x-should-retry`.
const final = (status: number) => (status === 409 ? { 'x-should-retry': 'false' } : undefined);

/** Syvain's error envelope, `{"error": {code, message}}`. */
export const metricsError = (status: number, code: string, message: string) =>
  HttpResponse.json({ error: { code, message } }, { status, headers: final(status) });

/** {@link metricsError} as a {@link Reply}. */
export const reply = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });

export const invalid = (message: string) => reply(400, 'invalid_request', message);

/** The Response of a reply (no body for 204). */
export const answer = ({ status, body }: Reply) =>
  status === 204 ? new HttpResponse(null, { status }) : HttpResponse.json(body as never, { status, headers: final(status) });

/**
 * A write: replays the first 2xx answer to a repeated Idempotency-Key, refuses a key reused for
 * another body (422), answers a body that is not JSON with 400 `invalid_json`, else `handle`s it.
 */
export function once(context: MetricsMockContext, request: Request, handle: (body: unknown) => Reply): Promise<Response> {
  return context.state.replay.once(request, (text) => {
    const parsed = parseJsonBody(text, () => metricsError(400, 'invalid_json', 'The body is not valid JSON.'));
    return 'response' in parsed ? parsed.response : answer(handle(parsed.value));
  });
}

/** The bearer token of a request. */
export const bearer = (request: Request) => /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];

/** The 401 for anything but the organisation key, or undefined. */
export const orgAuth = (context: MetricsMockContext, request: Request) =>
  bearer(request) === context.state.apiKey ? undefined : metricsError(401, 'unauthorized', 'Missing or invalid API key.');

/** The 401/403 for anything but a live ingestion key of the experiment, or undefined. */
export function ingestionAuth(context: MetricsMockContext, request: Request, experimentId: string): Response | undefined {
  const { state } = context;
  const token = bearer(request);
  if (token === undefined) return metricsError(401, 'unauthorized', 'Missing credentials.');
  if (token === state.apiKey) return metricsError(401, 'ingestion_key_required', 'This endpoint takes an ingestion key of the experiment.');
  const minted = state.ingestionKeys.get(token);
  if (!minted || minted.key.revoked_at) return metricsError(401, 'invalid_ingestion_key', 'Ingestion key is unknown or revoked.');
  if (minted.expiresAt !== undefined && minted.expiresAt <= state.now())
    return metricsError(401, 'invalid_ingestion_key', 'Ingestion key has expired.');
  if (minted.key.experiment_id !== experimentId) return metricsError(403, 'forbidden', 'Ingestion key belongs to another experiment.');
  return undefined;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The experiment of a path id, or the 404. */
export function experimentOr404(context: MetricsMockContext, id: unknown) {
  const experiment = typeof id === 'string' && ID.test(id) ? context.state.experiments.get(id) : undefined;
  return experiment ? { experiment } : { missing: metricsError(404, 'not_found', `No experiment ${String(id)}.`) };
}

/** One cursor page of `items` as `{[field]: [...], next_cursor}`, or the 400 for a bad limit or cursor. */
export function pageAnswer<Item>(items: Item[], url: URL, field: string, defaultLimit: number): Response {
  const page = cursorPage(items, url.searchParams.get('cursor'), Number(url.searchParams.get('limit') ?? defaultLimit));
  return page
    ? HttpResponse.json({ [field]: page.items, next_cursor: page.nextCursor })
    : metricsError(400, 'invalid_request', 'Bad limit or cursor.');
}
