import type { OptionSpec } from './cli-command.js';
import { UsageError } from './cli-errors.js';
import { parseDuration, parseTime } from './duration.js';

/**
 * Commander's parser for an option of `kind`; a bad value is a usage error naming the flag
 * (thrown as is: commander only rewords its own `InvalidArgumentError`).
 */
export function optionParser(kind: NonNullable<OptionSpec['kind']>, flag: string): (value: string, previous: unknown) => unknown {
  if (kind === 'repeatable') return (value, previous) => [...((previous as string[] | undefined) ?? []), value];
  if (kind === 'integer')
    return (value) => {
      if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`${flag} must be a whole number (got ${JSON.stringify(value)}).`);
      return Number(value);
    };
  if (kind === 'time')
    return (value) => {
      const time = parseTime(value);
      if (!time)
        throw new UsageError(`${flag} must be a duration ago like 30m, 1h or 2d, or an ISO date-time (got ${JSON.stringify(value)}).`);
      return time.toISOString();
    };
  return (value) => {
    const seconds = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : (parseDuration(value) ?? Number.NaN) / 1000;
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new UsageError(`${flag} must be seconds or a duration like 500ms, 30s or 2m (got ${JSON.stringify(value)}).`);
    return seconds;
  };
}
