import {
  detail,
  jsonInvalid,
  type HandlerGroup as KitHandlerGroup,
  type mockHttp,
  type OffsetPage,
  parseJsonBody,
  readOffsetPage,
  validationError,
} from '@trainwire/core/mock-kit';
import type { MiddlemanMockState, MockJob } from './jobs-state.js';

export { detail, validationError } from '@trainwire/core/mock-kit';

/** What every group of handlers shares: where it is served, the state, and msw's `http` that stamps request ids. */
export interface MockContext {
  base: string;
  /** Where presigned URLs point (`<base>/_storage`). */
  storage: string;
  state: MiddlemanMockState;
  stepsPerPoll: number;
  http: ReturnType<typeof mockHttp>;
}

/** A group of handlers of the Middleman mock. */
export type HandlerGroup = KitHandlerGroup<MockContext>;

/** The job, advanced to now, or undefined. */
export function findJob(context: MockContext, id: unknown): MockJob | undefined {
  const entry = context.state.jobs.get(String(id));
  if (entry) context.state.advance(entry);
  return entry;
}

export const jobNotFound = (id: unknown) => detail(404, `Job ${String(id)} not found`);

/** Replays the first answer to a write that repeats its Idempotency-Key; a key reused for another request is a 422. */
export function once(context: MockContext, request: Request, handle: (body: string) => Promise<Response> | Response): Promise<Response> {
  return context.state.replay.once(request, handle);
}

/** A JSON body, or FastAPI's 422 `json_invalid`. */
export const readJson = (text: string) => parseJsonBody(text, jsonInvalid);

/** `limit` (1–100, default 20) and `offset` (≥ 0) of a list, or the 422 FastAPI would send. */
export function pageQuery(request: Request): OffsetPage | Response {
  const page = readOffsetPage(new URL(request.url).searchParams, { maxLimit: 100 });
  return 'problem' in page ? validationError([page.problem]) : page;
}
