import type { OptionSpec } from './cli-command.js';
import { UsageError } from './cli-errors.js';

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
  return (value) => {
    const seconds = Number(value);
    if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
      throw new UsageError(`${flag} must be a number of seconds (got ${JSON.stringify(value)}).`);
    return seconds;
  };
}
