import { spawn } from 'node:child_process';

/** What a finished command printed, and how long it took. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  milliseconds: number;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this long. @default no limit */
  timeoutMs?: number;
  /** Called with each line the command prints (stdout and stderr), e.g. to show apt's progress. */
  onLine?: (line: string) => void;
}

/** A command that exited non-zero, was killed, or did not start; the message ends with its last output lines. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    super(`${command} failed (${exitCode === null ? 'killed' : `exit ${exitCode}`})${tail ? `:\n${tail}` : ''}`);
  }
}

/** Run a command to its end; resolve with its output, or reject with a {@link CommandError}. */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const shown = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let combined = '';
    const take = (chunk: Buffer, sink: 'stdout' | 'stderr') => {
      const text = chunk.toString('utf8');
      if (sink === 'stdout') stdout += text;
      else stderr += text;
      combined = (combined + text).slice(-64_000);
      if (options.onLine) for (const line of text.split('\n')) if (line.trim()) options.onLine(line);
    };
    child.stdout.on('data', (chunk: Buffer) => take(chunk, 'stdout'));
    child.stderr.on('data', (chunk: Buffer) => take(chunk, 'stderr'));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(shown, null, String(error)));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr, milliseconds: performance.now() - started });
      else reject(new CommandError(shown, code, combined));
    });
  });
}
