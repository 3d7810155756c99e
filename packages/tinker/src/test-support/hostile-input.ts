// The bad-input arbitraries of the Tinker and TenSafe tests: @trainwire/testing's, with the pieces
// that break Tinker paths among the nasty ones, and TenSafe's and the futures' errors counted as typed.
import { FutureFailedError, InvalidFutureTokenError } from '@trainwire/core';
import type { SpecGuard } from '@trainwire/testing';
import {
  describeUntyped as describe,
  expectTypedOutcome as expectTyped,
  hostileInput,
  NASTY_PIECES,
  type Outcome,
} from '@trainwire/testing/hostile-input';
import { TGTinkerError } from '../tensafe/tensafe-errors.js';

export { type Outcome, outcome } from '@trainwire/testing/hostile-input';

export const { hostileString, hostileNumber, hostileValue, maybe, hostileParams } = hostileInput([
  ...NASTY_PIECES.slice(0, -1),
  'tinker://',
  'weights',
  'sampler_weights',
  ...NASTY_PIECES.slice(-1),
]);

/** The package's errors a user can act on, beside core's `InvalidRequestError` and 4xx. */
const TYPED = [FutureFailedError, InvalidFutureTokenError, TGTinkerError];

/** Why `error` is not one a user can act on, or undefined when it is. */
export const describeUntyped = (error: unknown): string | undefined => describe(error, TYPED);

/** Fail unless the call rejected with a typed error or resolved, and the guard saw nothing off-spec. */
export function expectTypedOutcome(result: Outcome, guard: SpecGuard, label: string): void {
  expectTyped(result, guard, label, { allowed: TYPED });
}
