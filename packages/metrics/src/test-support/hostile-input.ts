// The bad-input arbitraries of the Syvain Metrics and Runicorn tests: @trainwire/testing's, with
// `:v1` (Runicorn's version suffix) among the nasty pieces, and metadata as callers pass it.
import { hostileInput, NASTY_PIECES } from '@trainwire/testing/hostile-input';
import fc from 'fast-check';

export { describeUntyped, expectTypedOutcome, type Outcome, outcome } from '@trainwire/testing/hostile-input';

/** Pieces that break naive URL building, `:v1` among them. */
export const NASTY = NASTY_PIECES.flatMap((piece) => (piece === '::' ? [piece, ':v1'] : [piece]));

export const { hostileString, hostileNumber, hostileValue, maybe, hostileParams } = hostileInput(NASTY);

/** Metadata as a caller may pass it: valid values, odd keys, sometimes values the API does not take. */
export const hostileMetadata: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
    weight: 3,
  },
  { arbitrary: hostileValue, weight: 1 },
);
