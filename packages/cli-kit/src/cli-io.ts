/// <reference types="node" />

/** Where the CLI reads and writes: the real process, or a test's capture. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Record<string, string | undefined>;
  /** The home directory holding `.middleman/config`. */
  home: string;
  /** Run `handler` on Ctrl-C (SIGINT); returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

/** A stream the CLI writes to. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  rows?: number | undefined;
}

/** A stream the CLI reads the key from when `auth` gets none. */
export interface InputStream extends AsyncIterable<string | Uint8Array> {
  isTTY?: boolean | undefined;
  setRawMode?: ((mode: boolean) => unknown) | undefined;
  on?(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off?(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume?(): unknown;
  pause?(): unknown;
}

/** The io of the running process. */
export async function processIo(): Promise<CliIo> {
  const { homedir } = await import('node:os');
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin as unknown as InputStream,
    env: process.env,
    home: process.env.HOME || homedir(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}
