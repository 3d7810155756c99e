/**
 * The path in `value` of the first leaf `test` accepts, or '' (also for a cycle, which overflows the
 * stack): where a refused input is, for its error. A module of its own, loaded with the first one.
 */
export function fieldOf(value: unknown, path: string, test: (leaf: unknown) => boolean, top = true): string {
  if (top) {
    try {
      return fieldOf(value, path, test, false);
    } catch {
      return '';
    }
  }
  if (typeof value !== 'object' || value === null) return test(value) ? path : '';
  for (const key in value) {
    const found = fieldOf(
      (value as Record<string, unknown>)[key],
      Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`,
      test,
      false,
    );
    if (found) return found;
  }
  return '';
}
