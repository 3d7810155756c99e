import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bin as `npm i -g @trainwire/sandbox` links it: the committed shim, which runs the built `dist/cli.js`. */
export const BIN = fileURLToPath(new URL('../../bin/trainwire-sandbox.js', import.meta.url));

/** A running `trainwire-sandbox` child process and what it printed. */
export interface RunningBin {
  child: ChildProcess;
  /** Service name → base URL, from the banner. */
  urls: Record<string, string>;
  /** `export NAME=value` lines of the banner. */
  env: Record<string, string>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal) once the process has gone. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Start the built bin and wait for its banner (up to 15 s). */
export function startBin(args: string[]): Promise<RunningBin> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner in 50 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 50_000); // a cold start of the bin on a loaded 2-core machine (15 s was hit at load 30)
    const check = () => {
      if (!stdout.includes('Ctrl-C stops the sandbox.') && !(args.includes('--json') && stdout.includes('\n'))) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      const env = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((match) => [match[1], match[2]]));
      const urls = Object.fromEntries([...stdout.matchAll(/^ {2}\S.*? {2,}(http:\/\/\S+\/(\w+))$/gm)].map((match) => [match[2], match[1]]));
      resolve({ child, urls, env, stdout: () => stdout, stderr: () => stderr, exited });
    };
    child.stdout?.on('data', check);
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before its banner; stdout: ${stdout}; stderr: ${stderr}`));
    });
  });
}

/** Whether nothing listens on the port any more. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Whether a process id no longer names a live process. */
export function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Run the bin to completion (for flags that exit at once). */
export function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNode([BIN, ...args]);
}

/** Run a node script to completion, with `env` added to this process's environment and HOME in a fresh directory. */
export function runNode(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'sandbox-home-'));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    }),
  );
}
