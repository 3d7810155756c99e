import { Readable } from 'node:stream';
import type { CliIo, InputStream } from '../cli-io.js';

/** An io that records what the CLI writes, for in-process tests. */
export function captureIo(options: { home: string; tty?: boolean; env?: Record<string, string>; stdin?: string[]; stdinTTY?: boolean }) {
  let stdout = '';
  let stderr = '';
  const interrupts = new Set<() => void>();
  const stdin = Object.assign(Readable.from(options.stdin ?? []), { isTTY: options.stdinTTY ?? false }) as unknown as InputStream;
  const io: CliIo = {
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
