import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  ConfigError,
  InvalidRequestError,
  redact,
} from '@trainwire/core';
import { type Command, CommanderError } from 'commander';
import { MiddlemanClient } from '../middleman-client.js';
import { errorDetail, JobTimeoutError } from '../middleman-errors.js';
import type { CommandContext, CommandSpec, GlobalOptions } from './cli-command.js';
import { resolveApiKey } from './cli-config.js';
import { EXIT, SetupError, UsageError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { colorEnabled, Output } from './cli-output.js';
import { buildProgram } from './cli-program.js';
import { authCommands } from './commands/auth-commands.js';
import { billingCommands } from './commands/billing-commands.js';
import { dataCommands } from './commands/data-commands.js';
import { jobsCommands } from './commands/jobs-commands.js';
import { keysCommands } from './commands/keys-commands.js';
import { watchCommands } from './commands/watch-job.js';

export { VERSION } from './cli-program.js';

/** Every command of `middleman`. */
export const COMMANDS: CommandSpec[] = [
  ...authCommands,
  ...jobsCommands,
  ...watchCommands,
  ...billingCommands,
  ...dataCommands,
  ...keysCommands,
];

/** Options of {@link runCli} that tests use. */
export interface RunOptions {
  /** `fetch` for the client (tests inject msw's). */
  fetch?: (request: Request, init?: RequestInit) => Promise<Response>;
}

/** Run `middleman` with `argv` (without `node` and the script) and return the exit code. */
export async function runCli(argv: string[], io: CliIo, options: RunOptions = {}): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, COMMANDS, async (spec, command) => {
    const controller = new AbortController();
    const removeInterrupt = io.onInterrupt(() => controller.abort(new Error('Interrupted')));
    try {
      code = (await spec.run(buildContext(io, command, controller.signal, options))) ?? EXIT.ok;
    } finally {
      removeInterrupt();
    }
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok; // help or --version
    const globals = program.opts<GlobalOptions>();
    return reportError(error, new Output(io.stderr, colorEnabled(io.stderr, io.env, !globals.color)), Boolean(globals.json));
  }
}

function buildContext(io: CliIo, command: Command, signal: AbortSignal, options: RunOptions): CommandContext {
  const values = command.optsWithGlobals<GlobalOptions>();
  const baseURL = values.baseUrl || io.env.MIDDLEMAN_API_URL || undefined;
  const make = (apiKey: string) => new MiddlemanClient({ apiKey, baseURL, logLevel: 'off', fetch: options.fetch });
  let client: Promise<MiddlemanClient> | undefined;
  return {
    io,
    out: new Output(io.stdout, colorEnabled(io.stdout, io.env, !values.color)),
    err: new Output(io.stderr, colorEnabled(io.stderr, io.env, !values.color)),
    json: Boolean(values.json),
    options: values,
    positionals: command.processedArgs.filter((value): value is string => typeof value === 'string'),
    signal,
    clientFor: make,
    client() {
      client ??= resolveApiKey(io, values.apiKey).then(({ key }) => make(key));
      return client;
    },
  };
}

/** One line on stderr (JSON with --json), never a stack trace or a key; returns the exit code. */
export function reportError(error: unknown, err: Output, json: boolean): number {
  const { message, code } = describeError(error);
  if (json) err.line(JSON.stringify({ error: { type: (error as Error)?.name ?? 'Error', message: redact(message), exit_code: code } }));
  else err.line(`${err.paint('red', 'error:')} ${message}`);
  if (!json && error instanceof UsageError && error.help) err.raw(error.help);
  return code;
}

function describeError(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError)
    return { message: error.help === undefined ? `${error.message} See --help.` : error.message, code: EXIT.usage };
  if (error instanceof InvalidRequestError) return { message: error.message, code: EXIT.usage };
  if (error instanceof AuthenticationError) {
    return {
      message: `Authentication failed (401): ${errorDetail(error) ?? error.message}. Run \`middleman auth\` or set MIDDLEMAN_API_KEY.`,
      code: EXIT.error,
    };
  }
  if (error instanceof APIError)
    return { message: `API error (${error.status}): ${errorDetail(error) ?? error.message}`, code: EXIT.error };
  if (error instanceof APIUserAbortError) return { message: 'Interrupted.', code: EXIT.interrupted };
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      message: `Could not reach the Middleman API (${error.message.replace(/\.$/, '')}${cause}). Check --base-url / MIDDLEMAN_API_URL.`,
      code: EXIT.error,
    };
  }
  if (error instanceof SetupError || error instanceof ConfigError || error instanceof JobTimeoutError)
    return { message: error.message, code: EXIT.error };
  return { message: error instanceof Error ? error.message : String(error), code: EXIT.error };
}
