import type { SandboxRequestEntry } from '@trainwire/sandbox';
import { spawnOwned, stopOwned } from '../environment/owned-processes.js';
import type { PythonCommand } from '../environment/python-commands.js';

/** One SDK call as a driver (python/oracle_driver.py) reported it. */
export interface DriverRecord {
  call: string;
  ok: boolean;
  ms: number;
  value?: unknown;
  error?: { type: string; message: string; trace?: string };
  /** Requests the driver saw the SDK make: [method, path, status]. */
  http: [string, string, number | string][];
  /** The call was not made: one it depends on failed. */
  skipped?: boolean;
  /** Against the sandbox: what the sandbox logged while the call ran (with its reason for any error). */
  sandbox?: SandboxRequestEntry[];
}

/** A driver's run: its records in order, and why it stopped early if it did. */
export interface DriverRun {
  records: DriverRecord[];
  crashed?: string;
}

/** The sandbox's request log, and the service whose lines belong to this driver. */
export interface SandboxLog {
  entries: SandboxRequestEntry[];
  service: string;
}

/**
 * Run a Python driver to its end, reading its `@@oracle` lines as they come. With `sandboxLog`,
 * each call is given the lines the sandbox logged for the driver's service between its begin and end.
 */
export async function runDriver(command: PythonCommand, sandboxLog?: SandboxLog, timeoutMs = 600_000): Promise<DriverRun> {
  const child = spawnOwned(command.command, command.args, { env: command.env, cwd: command.cwd });
  const records: DriverRecord[] = [];
  let stderr = '';
  let pending = '';
  let mark = sandboxLog?.entries.length ?? 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8_000);
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('@@oracle ')) continue;
      const event = JSON.parse(line.slice('@@oracle '.length)) as DriverRecord & { event: 'begin' | 'end' };
      if (event.event === 'begin') {
        mark = sandboxLog?.entries.length ?? 0;
        continue;
      }
      const { event: _, ...record } = event;
      if (sandboxLog) record.sandbox = sandboxLog.entries.slice(mark).filter((entry) => entry.service === sandboxLog.service);
      records.push(record);
    }
  });
  const timer = setTimeout(() => void stopOwned(child), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  const tail = stderr.trim().split('\n').slice(-6).join(' | ');
  return code === 0 ? { records } : { records, crashed: `the driver exited with ${code ?? 'a signal'}: ${tail}` };
}
