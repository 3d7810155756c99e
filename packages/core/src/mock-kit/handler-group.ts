import type { RequestHandler } from 'msw';

/**
 * One group of a mock's handlers (jobs, billing, keys...), built from what the groups share: the
 * mock's context (its base URL, its state class, its `mockHttp`, its idempotency replay).
 */
export type HandlerGroup<Context> = (context: Context) => RequestHandler[];
