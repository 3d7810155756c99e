import { spawnOwned, stopOwned } from './owned-processes.js';

/**
 * Run `work` while holding an exclusive flock(2) on `lockPath`, so that two conformance runs never
 * apt-get or debootstrap at once. The lock is held by a `flock` child whose command waits on its
 * stdin: it is released when `work` ends, and by the kernel if this process dies.
 */
export async function withFileLock<T>(lockPath: string, what: string, work: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const holder = spawnOwned('flock', ['--exclusive', lockPath, 'sh', '-c', 'echo locked; exec cat >/dev/null']);
  const waiting = setTimeout(() => log(`waiting for another run holding ${lockPath} (${what})`), 2_000);
  try {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('locked')) resolve();
      });
      holder.once('exit', (code) => reject(new Error(`flock ${lockPath} exited (${code}) before taking the lock`)));
      holder.once('error', reject);
    });
  } finally {
    clearTimeout(waiting);
  }
  try {
    return await work();
  } finally {
    await stopOwned(holder);
  }
}
