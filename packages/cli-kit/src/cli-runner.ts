import { APIUserAbortError, ConfigError, InvalidRequestError } from '@trainwire/core';
import { type Command, CommanderError } from 'commander';
import type { CommandContext, CommandSpec, GlobalOptions } from './cli-command.js';
import { EXIT, SetupError, UsageError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { colorEnabled, Output } from './cli-output.js';
import { commandPath, parseProgram } from './cli-program.js';
import { PromptCancelledError } from './cli-prompt.js';
import { envelopeLine, type JsonErrorEnvelope } from './json-envelope.js';
import { UnsafeFileError } from './secure-file.js';
import { terminalSafe } from './terminal-text.js';

/** An error as the user reads it: one line and the exit code. */
export interface ErrorDescription {
  message: string;
  code: number;
}

/**
 * Run a parsed command's spec with the context `build` makes, returning its exit code; Ctrl-C
 * aborts the context's signal.
 */
export async function runSpec<Context extends CommandContext>(
  io: CliIo,
  spec: CommandSpec<Context>,
  build: (signal: AbortSignal) => Context,
): Promise<number> {
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => controller.abort(new Error('Interrupted')));
  try {
    return (await spec.run(build(controller.signal))) ?? EXIT.ok;
  } finally {
    removeInterrupt();
  }
}

/** What every command's context holds, from commander's parsed `command`. */
export function baseContext<Options extends object>(io: CliIo, command: Command, signal: AbortSignal): CommandContext<Options> {
  const values = command.optsWithGlobals<Options & GlobalOptions>();
  const out = new Output(io.stdout, colorEnabled(io.stdout, io.env, !values.color));
  const path = commandPath(command).join(' ');
  return {
    io,
    out,
    err: new Output(io.stderr, colorEnabled(io.stderr, io.env, !values.color)),
    json: Boolean(values.json),
    command: path,
    options: values,
    positionals: command.processedArgs.flat().filter((value): value is string => typeof value === 'string'),
    signal,
    emit: (data, meta) => out.line(envelopeLine(path, data, meta)),
  };
}

/**
 * Parse and run `argv` with `program` and return the exit code; any failure is reported by
 * {@link reportError} with `describe` (the CLI's own errors first, then the common ones).
 */
export async function runProgram(
  program: Command,
  argv: string[],
  io: CliIo,
  describe: (error: unknown) => ErrorDescription | undefined,
): Promise<number> {
  try {
    await parseProgram(program, argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok; // help or --version
    const globals = program.opts<GlobalOptions>();
    const words = argv
      .filter((word) => !word.startsWith('-'))
      .slice(0, 2)
      .join(' ');
    const err = new Output(io.stderr, colorEnabled(io.stderr, io.env, !globals.color));
    return reportError(error, err, { json: Boolean(globals.json), command: words, describe });
  }
}

/** One line on stderr (the JSON error envelope with --json), never a stack trace, a key or a control character. */
export function reportError(
  error: unknown,
  err: Output,
  options: { json: boolean; command: string; describe: (error: unknown) => ErrorDescription | undefined },
): number {
  const { message: raw, code } = options.describe(error) ?? describeCommonError(error);
  const message = terminalSafe(raw, { singleLine: true });
  if (options.json) {
    const envelope: JsonErrorEnvelope = {
      command: options.command,
      error: { type: (error as Error)?.name ?? 'Error', message, exit_code: code },
    };
    err.line(JSON.stringify(envelope));
  } else err.line(`${err.paint('red', 'error:')} ${message}`);
  if (!options.json && error instanceof UsageError && error.help) err.raw(error.help);
  return code;
}

/** Usage mistakes (exit 2), a cancelled prompt or Ctrl-C (130), setup problems and anything else (1). */
export function describeCommonError(error: unknown): ErrorDescription {
  if (error instanceof UsageError)
    return { message: error.help === undefined ? `${error.message} See --help.` : error.message, code: EXIT.usage };
  if (error instanceof InvalidRequestError) return { message: error.message, code: EXIT.usage };
  if (error instanceof APIUserAbortError || error instanceof PromptCancelledError)
    return { message: 'Interrupted.', code: EXIT.interrupted };
  if (error instanceof UnsafeFileError || error instanceof SetupError || error instanceof ConfigError)
    return { message: error.message, code: EXIT.error };
  return { message: error instanceof Error ? error.message : String(error), code: EXIT.error };
}
