import { mockHttp } from '@trainwire/core/mock-kit';
import type { RequestHandler } from 'msw';
import { billingHandlers } from './jobs-billing-handlers.js';
import { dataHandlers } from './jobs-data-handlers.js';
import { jobHandlers } from './jobs-job-handlers.js';
import { keyHandlers } from './jobs-key-handlers.js';
import { detail } from './jobs-mock-http.js';
import { MiddlemanMockState } from './jobs-state.js';
import { webhookHandlers } from './jobs-webhook-handlers.js';

export { service as jobsService } from '../generated/jobs-service.js';
export type { MockApiKey, MockJob, MockUpload } from './jobs-state.js';
export { MiddlemanMockState } from './jobs-state.js';

/** Options of {@link createMiddlemanMock}. */
export interface MiddlemanMockOptions {
  /** Where the API is served. @default 'https://api.middleman.run/api/v1' */
  baseURL?: string;
  /** The account's first key (more can be created through the API). @default 'mdlm_test_0123456789abcdef' */
  apiKey?: string;
  /** Seed of the seeded jobs, ids and losses. @default 1 */
  seed?: number;
  /** Wall-clock speed-up: a job advances one step every `stepMs / speed` ms; 0 advances only when polled. @default 1 */
  speed?: number;
  /** Real milliseconds per step at speed 1. @default 1000 */
  stepMs?: number;
  /** Steps a job advances each time it is fetched (`GET /jobs/{id}`). @default 1 */
  stepsPerPoll?: number;
  /** Epochs of a created job. @default 10 */
  epochs?: number;
}

/** The mock's default key. */
export const MIDDLEMAN_MOCK_API_KEY = 'mdlm_test_0123456789abcdef';

/**
 * A stateful mock of the Middleman API (FastAPI-style `{detail}` errors, `X-API-Key` auth with
 * scopes, `Idempotency-Key` replay, an `x-request-id` on every answer, seeded like the data). Jobs advance queued → provisioning → running (epochs, falling
 * loss, rising cost) → completed on a clock scaled by `speed` and on every poll; pause, resume and
 * cancel change that course and refund credits; uploads go to a presigned URL this mock serves.
 */
export function createMiddlemanMock(options: MiddlemanMockOptions = {}): { handlers: RequestHandler[]; state: MiddlemanMockState } {
  const base = (options.baseURL ?? 'https://api.middleman.run/api/v1').replace(/\/+$/, '');
  const storage = `${base}/_storage`;
  const stepsPerPoll = options.stepsPerPoll ?? 1;
  const state = new MiddlemanMockState({
    seed: options.seed ?? 1,
    speed: options.speed ?? 1,
    epochs: options.epochs ?? 10,
    stepMs: options.stepMs ?? 1_000,
    apiKey: options.apiKey ?? MIDDLEMAN_MOCK_API_KEY,
  });

  /** Auth as FastAPI's APIKeyHeader plus scopes: GET needs `read`, anything else `write`. */
  const authorize = (request: Request): Response | undefined => {
    if (request.url.startsWith(`${storage}/`)) return undefined; // the presigned URL is its own credential
    const key = request.headers.get('x-api-key');
    if (!key) return detail(401, 'Not authenticated');
    const entry = state.apiKeys.find((item) => item.key === key);
    const expired = entry?.info.expires_at && Date.parse(entry.info.expires_at) < Date.now();
    if (!entry || entry.revoked || expired) return detail(401, 'Invalid API key');
    const needed = request.method === 'GET' ? 'read' : 'write';
    if (!entry.info.scopes.includes(needed) && !entry.info.scopes.includes('admin')) {
      return detail(403, `This API key lacks the '${needed}' scope`);
    }
    entry.info.last_used_at = new Date().toISOString();
    return undefined;
  };

  const http = mockHttp(state.requestIds);
  const context = { base, storage, state, stepsPerPoll, http };
  const handlers: RequestHandler[] = [
    http.all(`${base}/*`, ({ request }) => authorize(request)),
    ...jobHandlers(context),
    ...billingHandlers(context),
    ...dataHandlers(context),
    ...keyHandlers(context),
    ...webhookHandlers(context),
  ];
  return { handlers, state };
}
