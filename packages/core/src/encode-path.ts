import { InvalidRequestError } from './errors.js';

/**
 * Fill a path template so every parameter stays one segment: `/`, `?`, `#`, `%` and unicode are
 * percent-encoded. A value of `.` or `..` is refused: URL parsers resolve it (even encoded as
 * `%2E%2E`) and it would address another route.
 */
export function encodePath(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === '')
      throw new InvalidRequestError(`path.${name}`, 'is required and must not be empty');
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
      throw new InvalidRequestError(`path.${name}`, `must be a string or a number, got ${typeof value}`);
    }
    const text = String(value);
    if (text === '.' || text === '..') throw new InvalidRequestError(`path.${name}`, `must not be ${JSON.stringify(text)}`);
    return encodeURIComponent(text);
  });
}
