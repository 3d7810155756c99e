import { InvalidRequestError } from '@trainwire/core';

/** A required string argument: a non-empty string, else {@link InvalidRequestError} naming it. */
export function checkText(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidRequestError(field, 'must be a non-empty string');
}

/** An optional whole number of at least `minimum`. */
export function checkCount(field: string, value: unknown, minimum: number): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new InvalidRequestError(field, `must be an integer >= ${minimum}, got ${JSON.stringify(value)}`);
  }
}
