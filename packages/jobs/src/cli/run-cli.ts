import { parseArgs } from 'node:util';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  ConfigError,
  InvalidRequestError,
  redact,
} from '@trainwire/core';
import { MiddlemanClient } from '../middleman-client.js';
import { errorDetail, JobTimeoutError } from '../middleman-errors.js';
import type { CommandContext, CommandSpec } from './cli-command.js';
import { resolveApiKey } from './cli-config.js';
import { EXIT, SetupError, UsageError } from './cli-errors.js';
import { commandHelp, GLOBAL_FLAGS, GROUPS, groupHelp, mainHelp } from './cli-help.js';
import type { CliIo } from './cli-io.js';
import { colorEnabled, Output } from './cli-output.js';
import { authCommands } from './commands/auth-commands.js';
import { billingCommands } from './commands/billing-commands.js';
import { dataCommands } from './commands/data-commands.js';
import { jobsCommands } from './commands/jobs-commands.js';
import { keysCommands } from './commands/keys-commands.js';
import { watchCommands } from './commands/watch-job.js';

/** The CLI's version (the package's). */
export const VERSION = '0.1.0';

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
  const words = commandWords(argv);
  const globalsOnly = parseGlobals(argv);
  const err = new Output(io.stderr, colorEnabled(io.stderr, io.env, Boolean(globalsOnly['no-color'])));
  const out = new Output(io.stdout, colorEnabled(io.stdout, io.env, Boolean(globalsOnly['no-color'])));
  const json = Boolean(globalsOnly.json);
  try {
    if (argv.includes('--version') || argv.includes('-V')) return written(() => out.line(VERSION));
    const command = COMMANDS.find((candidate) => candidate.path.every((word, index) => words[index]?.word === word));
    if (!command)
      return usageFallback(
        words.map((item) => item.word),
        argv,
        out,
        err,
      );
    const rest = argv.filter((_, index) => !words.slice(0, command.path.length).some((item) => item.index === index));
    const flags = { ...GLOBAL_FLAGS, ...command.flags };
    // `jobs create -h` is --max-hours, as in the Python CLI; --help still shows help.
    if (command.flags['max-hours']?.short === 'h') flags.help = { ...GLOBAL_FLAGS.help, short: undefined } as never;
    if (rest.includes('--help') || (flags.help?.short === 'h' && rest.includes('-h'))) return written(() => out.raw(commandHelp(command)));
    const parsed = parseCommand(rest, flags);
    const maxArgs = command.args.length;
    if (parsed.positionals.length > maxArgs) {
      throw new UsageError(
        `Unexpected argument ${JSON.stringify(parsed.positionals[maxArgs])} for \`middleman ${command.path.join(' ')}\`.`,
      );
    }
    const controller = new AbortController();
    const removeInterrupt = io.onInterrupt(() => controller.abort(new Error('Interrupted')));
    try {
      const context = buildContext(io, out, err, json, parsed, controller.signal, options);
      return (await command.run(context)) ?? EXIT.ok;
    } finally {
      removeInterrupt();
    }
  } catch (error) {
    return reportError(error, err, json);
  }
}

function buildContext(
  io: CliIo,
  out: Output,
  err: Output,
  json: boolean,
  parsed: { values: CommandContext['values']; positionals: string[] },
  signal: AbortSignal,
  options: RunOptions,
): CommandContext {
  const baseURL = (parsed.values['base-url'] as string | undefined) || io.env.MIDDLEMAN_API_URL || undefined;
  const make = (apiKey: string) => new MiddlemanClient({ apiKey, baseURL, logLevel: 'off', fetch: options.fetch });
  let client: Promise<MiddlemanClient> | undefined;
  return {
    io,
    out,
    err,
    json,
    values: parsed.values,
    positionals: parsed.positionals,
    signal,
    clientFor: make,
    client() {
      client ??= resolveApiKey(io, parsed.values['api-key'] as string | undefined).then(({ key }) => make(key));
      return client;
    },
  };
}

/** The command words in `argv` (the first one or two that are not flags or flag values). */
function commandWords(argv: string[]): { word: string; index: number }[] {
  const words: { word: string; index: number }[] = [];
  for (let index = 0; index < argv.length && words.length < 2; index++) {
    const token = argv[index] as string;
    if (token === '--') break;
    if (token.startsWith('-')) {
      if ((token === '--api-key' || token === '--base-url') && !token.includes('=')) index++;
      continue;
    }
    if (words.length === 1 && !(words[0]?.word && words[0].word in GROUPS)) break;
    words.push({ word: token, index });
  }
  return words;
}

function parseGlobals(argv: string[]): Record<string, unknown> {
  return { json: argv.includes('--json'), 'no-color': argv.includes('--no-color') };
}

function parseCommand(rest: string[], flags: CommandSpec['flags']) {
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [
      name,
      { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: rest, options: options as never, allowPositionals: true, strict: true });
    return { values: values as CommandContext['values'], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

function written(write: () => void): number {
  write();
  return EXIT.ok;
}

function usageFallback(words: string[], argv: string[], out: Output, err: Output): number {
  const [first, second] = words;
  const wantsHelp = argv.includes('--help') || argv.includes('-h') || argv.length === 0;
  if (first && first in GROUPS) {
    if (wantsHelp && !second) return written(() => out.raw(groupHelp(first, COMMANDS)));
    err.line(`error: ${second ? `unknown command \`${first} ${second}\`` : `\`${first}\` needs a command`}.`);
    err.raw(groupHelp(first, COMMANDS));
    return EXIT.usage;
  }
  if (!first && wantsHelp) return written(() => out.raw(mainHelp(COMMANDS, VERSION)));
  err.line(`error: unknown command ${JSON.stringify(first ?? argv[0])}. Run \`middleman --help\` for the commands.`);
  return EXIT.usage;
}

/** One line on stderr (JSON with --json), never a stack trace or a key; returns the exit code. */
export function reportError(error: unknown, err: Output, json: boolean): number {
  const { message, code } = describeError(error);
  if (json) err.line(JSON.stringify({ error: { type: (error as Error)?.name ?? 'Error', message: redact(message), exit_code: code } }));
  else err.line(`${err.paint('red', 'error:')} ${message}`);
  return code;
}

function describeError(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError) return { message: `${error.message} See --help.`, code: EXIT.usage };
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
