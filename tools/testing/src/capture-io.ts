import { PassThrough } from 'node:stream';

/** The io a trainwire CLI runs with (structurally `CliIo` of @trainwire/cli-kit). */
export interface CapturedCliIo {
  stdout: { write(text: string): unknown; isTTY: boolean; columns: number };
  stderr: { write(text: string): unknown; isTTY: boolean; columns: number };
  stdin: AsyncIterable<string | Uint8Array> & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  home: string;
  onInterrupt(handler: () => void): () => void;
}

/** An io that records what a CLI writes, for in-process tests. */
export function captureIo(options: { home: string; tty?: boolean; env?: Record<string, string>; stdin?: string[]; stdinTTY?: boolean }) {
  let stdout = '';
  let stderr = '';
  const interrupts = new Set<() => void>();
  // A terminal's stdin stays open after what was typed (a prompt library reads keys from it); a pipe ends.
  const input = new PassThrough();
  if (!options.stdinTTY) {
    for (const chunk of options.stdin ?? []) input.write(chunk);
    input.end();
  } else {
    // Keys typed before a prompt listens are lost on a real terminal too: type once one listens.
    const giveUp = Date.now() + 30_000; // a command that never prompts leaves no timer behind for long
    const type = () => {
      if (input.listenerCount('keypress') === 0) return void (Date.now() < giveUp && setTimeout(type, 5).unref());
      setTimeout(() => {
        for (const chunk of options.stdin ?? []) input.write(chunk);
      }, 20);
    };
    if (options.stdin?.length) type();
  }
  const stdin = Object.assign(input, { isTTY: options.stdinTTY ?? false }) as unknown as CapturedCliIo['stdin'];
  const io: CapturedCliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false, columns: 100 },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false, columns: 100 },
    stdin,
    env: options.env ?? {},
    home: options.home,
    onInterrupt(handler) {
      interrupts.add(handler);
      return () => interrupts.delete(handler);
    },
  };
  return {
    io,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Press Ctrl-C. */
    interrupt: () => {
      for (const handler of interrupts) handler();
    },
  };
}
