import { spawnOwned, stopOwned } from '../environment/owned-processes.js';
import type { PythonCommand } from '../environment/python-commands.js';

/** A server this run started and must stop. */
export interface RunningServer {
  name: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  stop(): Promise<void>;
  /** The last lines it printed, for a failure report. */
  output(): string;
}

/** Options of {@link startPythonServer}. */
export interface StartOptions {
  /** Path answered with 200 once the server is ready, e.g. `/api/health`. */
  healthPath: string;
  /** @default 90 s: a cold Python start on a loaded 2-core machine */
  timeoutMs?: number;
}

/**
 * Start `python/serve.py` (uvicorn on a port the kernel picks, the port printed as
 * `@@oracle-serve {"port": N}`) and wait until `healthPath` answers 200.
 */
export async function startPythonServer(name: string, command: PythonCommand, options: StartOptions): Promise<RunningServer> {
  const child = spawnOwned(command.command, command.args, { env: command.env, cwd: command.cwd });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server: RunningServer = { name, origin: '', stop: () => stopOwned(child), output: () => output };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  const failure = (why: string) => new Error(`${name} did not start: ${why}\n${output.trim().split('\n').slice(-20).join('\n')}`);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(failure('no port announced')), Math.max(0, deadline - Date.now()));
      const look = () => {
        const match = /@@oracle-serve (\{.*\})/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve((JSON.parse(match[1] as string) as { port: number }).port);
        }
      };
      child.stdout?.on('data', look);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(failure(`exited with ${code}`));
      });
    });
    server.origin = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.exitCode !== null) throw failure(`exited with ${child.exitCode}`);
      const status = await fetch(`${server.origin}${options.healthPath}`, { signal: AbortSignal.timeout(5_000) }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      if (status === 200) return server;
      if (Date.now() > deadline) throw failure(`${options.healthPath} answered ${status || 'nothing'}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}
