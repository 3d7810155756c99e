import type { MiddlemanClient } from '../middleman-client.js';
import type { CliIo } from './cli-io.js';
import type { Output } from './cli-output.js';

/** One flag of a command, as `node:util` parseArgs takes it, plus its help. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in help after the flag (`--limit N`). */
  valueName?: string;
  /** Shown in help; applied by the command. */
  defaultText?: string;
}

/** What a command's handler gets. */
export interface CommandContext {
  io: CliIo;
  out: Output;
  err: Output;
  json: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** The client, built on first use from `--api-key` / `MIDDLEMAN_API_KEY` / the config file. */
  client(): Promise<MiddlemanClient>;
  /** A client for a key given on the command line (`auth`). */
  clientFor(apiKey: string): MiddlemanClient;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

/** A command of `middleman`: its words, help and handler (returns the exit code). */
export interface CommandSpec {
  path: string[];
  summary: string;
  /** Positional arguments, e.g. `['<job-id>']` or `['[API_KEY]']`. */
  args: string[];
  flags: Record<string, FlagSpec>;
  examples: string[];
  /** More help text under the usage line. */
  details?: string;
  run(context: CommandContext): Promise<number | undefined>;
}
