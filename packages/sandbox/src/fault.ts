/** What the sandbox can do to a request instead of (or on top of) answering it normally. */
export type FaultKind = '429' | '500' | '502' | '503' | 'reset' | 'reset-after' | 'slow' | 'truncate';

/** Every fault kind, in the order they are reported. */
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '502', '503', 'reset', 'reset-after', 'slow', 'truncate'];

/** One fault to inject into one request; `delayMs` is set for `slow`. */
export interface Fault {
  kind: FaultKind;
  delayMs?: number;
}

/** How long a `slow` fault delays the response when no delay is given. */
export const DEFAULT_SLOW_MS = 1000;

/**
 * Read one fault token: `429`, `500`, `502`, `503`, `reset`, `reset-after`, `truncate`, `slow` or
 * `slow=<ms>`. Throws a `RangeError` naming the token when it is none of these.
 */
export function parseFault(token: string, slowMs = DEFAULT_SLOW_MS): Fault {
  const text = token.trim().toLowerCase();
  const slow = /^slow(?:=(\d+))?$/.exec(text);
  if (slow) return { kind: 'slow', delayMs: slow[1] === undefined ? slowMs : Number(slow[1]) };
  if ((FAULT_KINDS as readonly string[]).includes(text)) return { kind: text as FaultKind };
  throw new RangeError(`Unknown fault ${JSON.stringify(token)}: expected one of ${FAULT_KINDS.join(', ')} or slow=<ms>.`);
}
