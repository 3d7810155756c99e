import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

// Every long-lived child this run started, by process group: stopped on exit, SIGINT and SIGTERM.
const owned = new Set<ChildProcess>();

/**
 * Start a long-lived child in a process group of its own, with stdin kept open: our Python servers
 * exit when their stdin closes, so they never outlive this process, even if it is killed.
 */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  owned.add(child);
  child.on('exit', () => owned.delete(child));
  return child;
}

/** Stop one child's process group: SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stopOwned(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // The leader is gone; a grandchild that ignored SIGTERM must not stay behind.
  signalGroup(child, 'SIGKILL');
}

/** Stop every child still running. */
export async function stopAllOwned(): Promise<void> {
  await Promise.all([...owned].map((child) => stopOwned(child)));
}

/** Synchronous last resort for `process.on('exit')`: SIGKILL every group still running. */
export function killAllOwnedNow(): void {
  for (const child of owned) signalGroup(child, 'SIGKILL');
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
