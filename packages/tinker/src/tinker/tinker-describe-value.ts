/**
 * Any value as text for an error message or a future's id. `String` and template literals throw on
 * an object without a prototype or a symbol, and `JSON.stringify` on a bigint; this never throws.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined || ['number', 'boolean', 'bigint'].includes(typeof value)) return String(value);
  return Array.isArray(value) ? '<array>' : `<${typeof value}>`;
}

/** {@link describeValue}, with a string quoted as JSON. */
export function quoteValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
}
