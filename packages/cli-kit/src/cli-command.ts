import type { CliIo } from './cli-io.js';
import type { Output } from './cli-output.js';

/** One option of a command, registered with commander. */
export interface OptionSpec {
  /** Commander's flags syntax: `'-l, --limit <N>'`, `'-a, --all'`. */
  flags: string;
  description: string;
  /**
   * How the value is read: a whole number, seconds (`30`, `500ms`, `2m`), a point in time (`1h`
   * ago or an ISO date-time, given to the command as ISO), or a repeatable string; a plain string by default.
   */
  kind?: 'integer' | 'seconds' | 'time' | 'repeatable';
  /** The value when the option is absent, shown in help as `(default: …)`. */
  default?: string | number;
}

/** Options every trainwire CLI takes (commander's camelCase names). */
export interface GlobalOptions {
  json?: boolean;
  /** `false` with `--no-color`. */
  color: boolean;
  verbose?: boolean;
}

/** What every command's handler gets; each CLI adds its clients. */
export interface CommandContext<Options extends object = object> {
  io: CliIo;
  out: Output;
  err: Output;
  json: boolean;
  /** The command's words, `jobs list`: the `command` of its JSON envelope. */
  command: string;
  /** Parsed options (commander's camelCase names, defaults applied) and the global ones. */
  options: Options & GlobalOptions;
  /** The positional arguments, in the order of {@link CommandSpec.args} (a variadic one's words in line). */
  positionals: string[];
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** Print `data` in the JSON envelope on stdout (`{"command", "data", "meta"?}`, one line). */
  emit(data: unknown, meta?: Record<string, unknown>): void;
}

/** A command: its words, help and handler (returns the exit code). */
export interface CommandSpec<Context = CommandContext> {
  path: string[];
  summary: string;
  /** Positional arguments in commander's syntax: `['<job-id>']`, `['[API_KEY]']`. */
  args: string[];
  options: OptionSpec[];
  examples: string[];
  /** More help text under the summary. */
  details?: string;
  run(context: Context): Promise<number | undefined>;
}
