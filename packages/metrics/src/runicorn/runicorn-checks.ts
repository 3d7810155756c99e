import { InvalidRequestError } from '@trainwire/core';

/** A required string argument: a non-empty string, else {@link InvalidRequestError} naming it. */
export function checkText(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidRequestError(field, 'must be a non-empty string');
}

/** An optional whole number of at least `minimum`. */
export function checkCount(field: string, value: unknown, minimum: number): asserts value is number | undefined {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new InvalidRequestError(field, `must be an integer >= ${minimum}, got ${shownValue(value)}`);
  }
}

/** A value for an error message; never throws (`JSON.stringify` does for a bigint, `String` for an object without a prototype). */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

/** An options object with only the keys the method knows (an unknown one would be sent as a query parameter the viewer does not take). */
export function checkKeys(field: string, value: unknown, known: readonly string[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object') throw new InvalidRequestError(field, `must be an object, got ${shownValue(value)}`);
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new InvalidRequestError(`${field}.${unknown}`, `is not an option; the options are ${known.join(', ')}`);
}
