import { Writable } from 'node:stream';
import confirmPrompt from '@inquirer/confirm';
import passwordPrompt from '@inquirer/password';
import type { CliIo } from './cli-io.js';

/** One line from stdin (a piped key, or a typed answer), without its line break. */
export async function readLine(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) {
    text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    if (text.includes('\n')) break;
  }
  io.stdin.pause?.();
  return text.split(/\r?\n/)[0] ?? '';
}

/** The user gave up a question (Ctrl-C or Esc at a prompt). */
export class PromptCancelledError extends Error {
  override name = 'PromptCancelledError';
  constructor() {
    super('Cancelled.');
  }
}

/** Ask on a terminal without echoing what is typed (a key), with @inquirer/password, on stderr. */
export function readHidden(io: CliIo, question: string, signal?: AbortSignal): Promise<string> {
  return ask(() => passwordPrompt({ message: question }, promptContext(io, signal)));
}

/** Ask a yes/no question on a terminal (@inquirer/confirm, on stderr); the default is no. */
export function confirm(io: CliIo, question: string, signal?: AbortSignal): Promise<boolean> {
  return ask(() => confirmPrompt({ message: question, default: false }, promptContext(io, signal)));
}

async function ask<T>(prompt: () => Promise<T>): Promise<T> {
  try {
    return await prompt();
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') throw new PromptCancelledError();
    throw error;
  }
}

function promptContext(io: CliIo, signal: AbortSignal | undefined) {
  // The prompt writes to the CLI's stderr (stdout stays for results), through a stream wrapper
  // since a test's io is a plain writer.
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stderr.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
  Object.assign(output, { isTTY: true, columns: io.stderr.columns ?? 80 });
  return { input: io.stdin as unknown as NodeJS.ReadableStream, output, ...(signal && { signal }) };
}
