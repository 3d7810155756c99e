import type { RequestHandler } from 'msw';
import { sha256Hex } from '../tensafe/sha256.js';
import { artifactHandlers } from './tensafe-artifact-handlers.js';
import { auditHandlers } from './tensafe-audit-handlers.js';
import { futureHandlers } from './tensafe-future-handlers.js';
import type { TenSafeMockContext } from './tensafe-mock-http.js';
import { createRoute } from './tensafe-mock-route.js';
import { seedTenSafeMock } from './tensafe-mock-seed.js';
import { TenSafeMockState } from './tensafe-mock-state.js';
import { stepHandlers } from './tensafe-step-handlers.js';
import { trainingClientHandlers } from './tensafe-training-handlers.js';

export { service as tensafeService } from '../generated/tensafe-service.js';
export type { TenSafeMockArtifact, TenSafeMockFuture, TenSafeMockState, TenSafeMockTrainingClient } from './tensafe-mock-state.js';
export { tensafeRejection } from './tensafe-rejection.js';

/** Options of {@link createTenSafeMock}. */
export interface TenSafeMockOptions {
  /** @default 'https://api.tensafe.dev' (a self-hosted server is `http://host:8000/api`) */
  baseURL?: string;
  /**
   * The key whose tenant holds the seeded data. Any `Authorization: Bearer <key>` is accepted, each
   * key its own tenant, as the server does. @default 'ts-test-key'
   */
  apiKey?: string;
  /** Tenant of `apiKey`. @default 'tenant-' + the first 8 hex of sha256(apiKey), as the server derives it */
  tenantId?: string;
  /** Seeds ids, losses, keys and bytes. @default 1 */
  seed?: number;
  /** Scales simulated time: futures also finish after 1.5 s × pollsUntilDone ÷ speed of wall clock. @default 1 */
  speed?: number;
  /** Polls after which a future finishes (the first poll shows it `running`). @default 2 */
  pollsUntilDone?: number;
  /** Plaintext bytes of each saved state (the ciphertext is 16 more). @default 1048576 */
  artifactSize?: number;
  /** Bytes per chunk of a streamed artifact. @default 65536 */
  chunkSize?: number;
  /** Requests per tenant per minute before a 429 (`TG_RATE_LIMIT_PER_MINUTE`). @default Infinity */
  rateLimitPerMinute?: number;
  /** Unfinished futures per tenant before a 503 `QUEUE_FULL`. @default Infinity */
  queueCapacity?: number;
  /** Training clients seeded for the tenant at start (the first has a saved checkpoint). @default 3 */
  trainingClients?: number;
}

/**
 * A stateful mock of the TenSafe API, answering as the reference server (`tensorguard.platform`)
 * does: its demo bearer auth (a missing header is FastAPI's 422, one without `Bearer ` a 401, any
 * key its own tenant, another tenant's objects 404), training clients, futures that go pending →
 * running → completed/failed over polls, DP budgets, AES-256-GCM encrypted artifacts streamed in
 * chunks, and a hash-chained audit log written where the server writes it. Route errors use the
 * `{"detail": {"error": ...}}` envelope; the optional rate limiter's 429 the bare `{"error": ...}`
 * one. Writes honour `Idempotency-Key`. Where the server is broken (a `/result`, cancel or artifact
 * download that always answers 500, `load_state` that cannot decrypt, no DELETE route), the mock
 * does what the server means to do.
 */
export function createTenSafeMock(options: TenSafeMockOptions = {}): { handlers: RequestHandler[]; state: TenSafeMockState } {
  const base = (options.baseURL ?? 'https://api.tensafe.dev').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? 'ts-test-key';
  const state = new TenSafeMockState({
    seed: options.seed ?? 1,
    speed: options.speed ?? 1,
    artifactSize: options.artifactSize ?? 1_048_576,
    now: () => Date.now(),
  });
  state.ready = seedTenSafeMock(state, options.tenantId ?? `tenant-${sha256Hex(apiKey).slice(0, 8)}`, options.trainingClients ?? 3);
  const context: TenSafeMockContext = {
    v1: `${base}/v1`,
    state,
    pollsUntilDone: Math.max(1, options.pollsUntilDone ?? 2),
    chunkSize: Math.max(1, options.chunkSize ?? 65_536),
    queueCapacity: options.queueCapacity ?? Number.POSITIVE_INFINITY,
    route: createRoute({
      apiKey,
      tenantId: options.tenantId,
      rateLimitPerMinute: options.rateLimitPerMinute ?? Number.POSITIVE_INFINITY,
      state,
    }),
  };
  const handlers: RequestHandler[] = [
    ...trainingClientHandlers(context),
    ...stepHandlers(context),
    ...futureHandlers(context),
    ...auditHandlers(context),
    ...artifactHandlers(context),
  ];
  return { handlers, state };
}
