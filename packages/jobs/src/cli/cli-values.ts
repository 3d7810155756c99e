import type { CommandContext } from './cli-command.js';
import { UsageError } from './cli-errors.js';

/** A string flag's value. */
export function stringFlag(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole-number flag's value; anything else is a usage error naming the flag. */
export function integerFlag(context: CommandContext, name: string): number | undefined {
  const value = stringFlag(context, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${name} must be a whole number (got ${JSON.stringify(value)}).`);
  return Number(value);
}

/** A non-negative number flag (seconds may be fractional); anything else is a usage error. */
export function secondsFlag(context: CommandContext, name: string): number | undefined {
  const value = stringFlag(context, name);
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
    throw new UsageError(`--${name} must be a number of seconds (got ${JSON.stringify(value)}).`);
  return seconds;
}
