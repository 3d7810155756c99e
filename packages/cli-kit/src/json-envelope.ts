/**
 * The one shape of `--json` output of the trainwire CLIs, one compact line each on stdout: the
 * command's words, its result, and facts about the result (a total, a cursor). Commands that stream
 * (`jobs watch`, `jobs logs`, `plot --follow`) print one envelope per item.
 */
export interface JsonEnvelope<T = unknown> {
  command: string;
  data: T;
  meta?: Record<string, unknown>;
}

/** What a failed command prints on stderr with `--json`, one line. */
export interface JsonErrorEnvelope {
  command: string;
  error: { type: string; message: string; exit_code: number };
}

/** The envelope of `data` as one line of JSON. */
export function envelopeLine(command: string, data: unknown, meta?: Record<string, unknown>): string {
  const envelope: JsonEnvelope = meta === undefined ? { command, data } : { command, data, meta };
  return JSON.stringify(envelope);
}
