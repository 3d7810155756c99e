const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/**
 * Milliseconds in a duration such as `90s`, `30m`, `1h`, `2d`, `1h30m` or `1.5h` (units ms, s, m,
 * h, d, w), or undefined when `text` is not one. A bare number is not a duration here: callers
 * decide what its unit is.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * (UNITS[unit as string] as number);
  return total;
}

/**
 * A point in time from `--since`-style input: a duration ago (`1h`, `30m`, `2d`) or an ISO date
 * and time (`2026-10-01T10:00:00Z`); undefined when it is neither.
 */
export function parseTime(text: string, now = Date.now()): Date | undefined {
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(now - ago);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}
