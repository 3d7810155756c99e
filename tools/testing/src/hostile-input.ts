// Arbitraries and checks for the bad-input tests of the service packages: values a careless or
// hostile caller passes, and what counts as a typed answer to them. Each package makes its set with
// `hostileInput`, adding the pieces that break its own URLs (`tinker://`, `:v1`, ...).
import { APIError, InvalidRequestError } from '@trainwire/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { SpecGuard } from './spec-guard.js';

/** Pieces that break naive URL building: separators, dot segments, escapes, unicode, `:`. */
export const NASTY_PIECES: readonly string[] = [
  '',
  '.',
  '..',
  '/',
  '//',
  '../',
  '?',
  '#',
  '%',
  '%2F',
  '%2e%2e',
  '%%',
  ':',
  '::',
  '\\',
  ' ',
  '+',
  '&',
  '=',
  'ü',
  '漢字',
  '😀',
  '\u0000',
  '\u202e',
  'x'.repeat(300),
];

/** Numbers a careless caller passes on: huge, negative, fractional, NaN, infinite, -0. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 53 + 2,
    1e308,
    -1e308,
    Number.MIN_VALUE,
  ),
  fc.integer(),
  fc.double(),
);

/** The arbitraries of one package's bad-input tests. */
export interface HostileInput {
  /**
   * A string made to break URL building: the nasty pieces, joined with each other and with arbitrary
   * unicode text (well-formed: lone surrogates are tested on their own). No CR or LF: header
   * injection has its own tests.
   */
  hostileString: fc.Arbitrary<string>;
  hostileNumber: fc.Arbitrary<number>;
  /**
   * Anything a caller casting `as never` could pass: wrong types, arrays, objects, bigints. No
   * `Date` or other object with `toJSON` (core sends its JSON form, tested on its own).
   */
  hostileValue: fc.Arbitrary<unknown>;
  /** Mostly `valid`, sometimes any hostile value in its place. */
  maybe<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown>;
  /**
   * An options object: each key present or missing, each value valid or hostile, sometimes an extra
   * key the method does not know; sometimes not an object at all.
   */
  hostileParams(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown>;
}

/** Make the arbitraries of a package's bad-input tests, with `nasty` as the pieces strings are made of. */
export function hostileInput(nasty: readonly string[] = NASTY_PIECES): HostileInput {
  const hostileString = fc.oneof(
    fc.constantFrom(...nasty),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc
      .array(fc.oneof(fc.constantFrom(...nasty), fc.string({ unit: 'grapheme-ascii', maxLength: 4 })), { maxLength: 5 })
      .map((parts) => parts.join('')),
  );
  const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
    hostileString,
    hostileNumber,
    fc.constantFrom(null, undefined, true, false, 10n, [], {}),
    fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 3 }),
    fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber, fc.constant(null)), { maxKeys: 3 }),
  );
  const maybe = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
    fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: hostileValue, weight: 2 });
  const hostileParams = (shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> =>
    fc.oneof(
      {
        arbitrary: fc
          .tuple(
            fc.record(Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, maybe(value)])), { requiredKeys: [] }),
            fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), hostileValue, { minKeys: 1, maxKeys: 2 }), {
              nil: undefined,
            }),
          )
          .map(([known, extra]) => ({ ...extra, ...known })),
        weight: 5,
      },
      { arbitrary: hostileValue, weight: 1 },
    );
  return { hostileString, hostileNumber, hostileValue, maybe, hostileParams };
}

/** How a call ended: its value, its rejection, or a synchronous throw. */
export type Outcome = { kind: 'value'; value: unknown } | { kind: 'rejected'; error: unknown } | { kind: 'thrown'; error: unknown };

/** Call `call` and settle what it returns (a promise, a Future, a list), noting a synchronous throw apart. */
export async function outcome(call: () => unknown): Promise<Outcome> {
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    return { kind: 'thrown', error };
  }
  try {
    return { kind: 'value', value: await returned };
  } catch (error) {
    return { kind: 'rejected', error };
  }
}

/**
 * Why `error` is not one a user can act on, or undefined when it is: a refused parameter naming
 * its field, a 4xx of the service (the mock refusing an id it does not know), or one of `allowed`
 * (the package's documented classes). A 5xx (the mock crashed), a connection error (no handler
 * answered), a response validation error (the mock answered off-spec) and a plain
 * `TypeError`/`RangeError` are not.
 */
export function describeUntyped(error: unknown, allowed: readonly object[] = []): string | undefined {
  if (error instanceof InvalidRequestError) {
    return error.field !== '' && error.message.includes(error.field) ? undefined : `InvalidRequestError without a field: ${error.message}`;
  }
  if (error instanceof APIError)
    return error.status >= 400 && error.status < 500 ? undefined : `${error.name} ${error.status}: ${error.message}`;
  if (allowed.some((kind) => error instanceof (kind as new () => unknown))) return undefined;
  return error instanceof Error ? `${error.name}: ${error.message}` : `a non-error: ${String(error)}`;
}

/**
 * Fail unless the call settled with a value or a typed error and the guard saw nothing off-spec.
 * `synchronous` methods may throw their typed error; the others must reject instead.
 */
export function expectTypedOutcome(
  result: Outcome,
  guard: SpecGuard,
  label: string,
  options: { synchronous?: boolean; allowed?: readonly object[] } = {},
): void {
  const violations = guard.violations.splice(0);
  expect(violations, `${label}: requests the spec forbids`).toEqual([]);
  if (result.kind === 'value') return;
  const problem = describeUntyped(result.error, options.allowed);
  if (result.kind === 'thrown' && !options.synchronous)
    expect.fail(`${label} threw synchronously instead of rejecting: ${problem ?? String(result.error)}`);
  if (problem) expect.fail(`${label} ${result.kind === 'thrown' ? 'threw' : 'rejected with'} an untyped error: ${problem}`);
}
