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

/** Ask on a TTY without echoing what is typed (the key); Ctrl-C gives up. */
export function readHidden(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off?.('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause?.();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003') return finish(new Error('Cancelled.'));
        if (character === '\u007f' || character === '\b') value = value.slice(0, -1);
        else value += character;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on?.('data', onData);
    stdin.resume?.();
  });
}

/** Ask a yes/no question on stderr; anything but y/yes is no. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(`${question} [y/N] `);
  return /^y(es)?$/i.test((await readLine(io)).trim());
}
