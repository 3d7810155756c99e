import type { MiddlemanClient } from '../middleman-client.js';
import type { CliIo } from './cli-io.js';
import type { Output } from './cli-output.js';

/** One option of a command, registered with commander. */
export interface OptionSpec {
  /** Commander's flags syntax: `'-l, --limit <N>'`, `'-a, --all'`. */
  flags: string;
  description: string;
  /** How the value is read: a whole number, seconds, or a repeatable string; a plain string by default. */
  kind?: 'integer' | 'seconds' | 'repeatable';
  /** The value when the option is absent, shown in help as `(default: …)`. */
  default?: string | number;
}

/** Options every command takes (commander's camelCase names). */
export interface GlobalOptions {
  apiKey?: string;
  baseUrl?: string;
  json?: boolean;
  /** `false` with `--no-color`. */
  color: boolean;
}

/** What a command's handler gets. */
export interface CommandContext<Options extends object = object> {
  io: CliIo;
  out: Output;
  err: Output;
  json: boolean;
  /** Parsed options (commander's camelCase names, defaults applied) and the global ones. */
  options: Options & GlobalOptions;
  /** The positional arguments, in the order of {@link CommandSpec.args}. */
  positionals: string[];
  /** The client, built on first use from `--api-key` / `MIDDLEMAN_API_KEY` / the config file. */
  client(): Promise<MiddlemanClient>;
  /** A client for a key given on the command line (`auth`). */
  clientFor(apiKey: string): MiddlemanClient;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

/** A command of `middleman`: its words, help and handler (returns the exit code). */
export interface CommandSpec<Options extends object = object> {
  path: string[];
  summary: string;
  /** Positional arguments in commander's syntax: `['<job-id>']`, `['[API_KEY]']`. */
  args: string[];
  options: OptionSpec[];
  examples: string[];
  /** More help text under the summary. */
  details?: string;
  run(context: CommandContext<Options>): Promise<number | undefined>;
}
