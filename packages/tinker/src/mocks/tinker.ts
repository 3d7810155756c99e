import { detail } from '@trainwire/core/mock-kit';
import type { RequestHandler } from 'msw';
import type { components } from '../generated/tinker.js';
import { tinkerClientHandlers } from './tinker-mock-client.js';
import { createTinkerMockContext } from './tinker-mock-context.js';
import { tinkerOperationHandlers } from './tinker-mock-operations.js';
import { tinkerRestHandlers } from './tinker-mock-rest.js';
import type { TinkerMockState } from './tinker-mock-state.js';

export { service as tinkerService } from '../generated/tinker-service.js';
export type {
  TinkerMockFuture,
  TinkerMockModel,
  TinkerMockOutcome,
  TinkerMockSampler,
  TinkerMockSession,
  TinkerMockState,
} from './tinker-mock-state.js';
export { TINKER_MOCK_CLIENT_CONFIG } from './tinker-mock-state.js';

/** Options of {@link createTinkerMock}. */
export interface TinkerMockOptions {
  /** @default 'https://tinker.thinkingmachines.dev/services/tinker-prod' (the real default base URL) */
  baseURL?: string;
  /** The only `X-API-Key` accepted. @default 'tml-mock-key' */
  apiKey?: string;
  /** Seeds the sessions, runs, checkpoints and ids. @default 1 */
  seed?: number;
  /** Scales simulated waits (the archive's Retry-After). @default 1 */
  speed?: number;
  /** Pending answers (`try_again`, then a 408, alternately) before a future's result. @default 2 */
  pollsUntilDone?: number;
  /** 503 answers for a checkpoint archive before its URL is ready. @default 1 */
  archiveRequestsUntilReady?: number;
  /** How a ready archive URL is answered: a 302 redirect or a 200 JSON body. @default 'redirect' */
  archiveAnswer?: 'redirect' | 'json';
  /** Training runs seeded at start (plus one public run of another owner). @default 5 */
  trainingRuns?: number;
  /** Checkpoints seeded per run. @default 3 */
  checkpointsPerRun?: number;
  /** Whether the caller has the tinker-admin role (needed for the audit log). @default true */
  admin?: boolean;
  /** Results larger than this many bytes (JSON, or protobuf when asked for) answer `complete_metadata` first. @default 4096 */
  inlineResultLimit?: number;
  /** Flags `client/config` answers, over {@link TINKER_MOCK_CLIENT_CONFIG} (the SDK's defaults, pyqwest off). */
  clientConfig?: components['schemas']['ClientConfigResponse'];
}

/**
 * A stateful mock of Tinker's HTTP API for msw, speaking what SDK 0.25 speaks: client config,
 * dynamic config, telemetry and the JWT exchange (`auth/token`, with `pjwt_auth_enabled`); seeded sessions, training runs and checkpoints (paged); futures
 * that answer `try_again` / 408 with a `queue_state` for a few polls; forward_backward requests as
 * protobuf or JSON, and sample and forward(-backward) results as protobuf when a poll asks with
 * `Accept: application/x-protobuf` (JSON otherwise); archive URLs that answer 503 while being
 * built, publishing, TTLs, an audit log, samplers. It checks `X-API-Key` (default `tml-mock-key`),
 * answers errors as `{ detail }` and replays writes that repeat an `X-Idempotency-Key`.
 */
export function createTinkerMock(options: TinkerMockOptions = {}): { handlers: RequestHandler[]; state: TinkerMockState } {
  const context = createTinkerMockContext(options);
  const handlers: RequestHandler[] = [
    context.http.all(`${context.base}/*`, ({ request }) => {
      const key = request.headers.get('x-api-key');
      if (key === context.apiKey) return undefined;
      // A JWT from auth/token stands for the key until it expires.
      const expires = key === null ? undefined : context.state.jwts.get(key);
      if (expires !== undefined) return expires > Date.now() ? undefined : detail(401, 'Invalid JWT: expired');
      return detail(401, 'Invalid or missing API key');
    }),
    ...tinkerClientHandlers(context),
    ...tinkerRestHandlers(context),
    ...tinkerOperationHandlers(context),
  ];
  return { handlers, state: context.state };
}
