import { backoff } from './backoff.js';

/** How long a {@link Future} waits before the next poll after a pending answer. */
export interface PollStrategy {
  /** Milliseconds to wait after poll number `attempt` (0 for the first poll) came back pending. */
  delay(attempt: number): number;
}

/** Wait the same `milliseconds` between every two polls. */
export function fixedInterval(milliseconds: number): PollStrategy {
  return { delay: () => milliseconds };
}

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** Delay after the first pending poll, in milliseconds. @default 500 */
  initial?: number;
  /** Each delay is the previous one times `factor`. @default 2 */
  factor?: number;
  /** Upper bound of a delay, in milliseconds. @default 30_000 */
  max?: number;
  /** Scale each delay by a random factor in [0.75, 1], so many clients do not poll in step. @default true */
  jitter?: boolean;
}

/** Delays of `initial · factor^attempt`, capped at `max`, with jitter (core's one {@link backoff}). The default strategy. */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): PollStrategy {
  const { initial = 500, factor = 2, max = 30_000, jitter = true } = options;
  return { delay: (attempt) => backoff(attempt, { initial, factor, max, jitter }) };
}

/** Re-poll at once: the server holds each poll open until it has news (Tinker's `retrieve_future`). */
export function longPoll(): PollStrategy {
  return { delay: () => 0 };
}
