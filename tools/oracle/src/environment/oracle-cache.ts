import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** `${XDG_CACHE_HOME:-$HOME/.cache}/trainwire/oracles`: everything the suite prepares lives here, outside the work tree. */
export function oracleCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'trainwire', 'oracles');
}

/** A short, stable key of a stage's inputs (the marker file holds it). */
export function inputKey(...inputs: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}

/**
 * A stage's marker: `<name>.ok` exists once the stage is complete and holds the key of the inputs it
 * was made from. `undefined` when there is no marker; `''` for a marker made by hand (the lead's
 * first cache), which the stage checks before adopting.
 */
export async function readMarker(path: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  return (await readFile(path, 'utf8')).trim();
}

/** Write a marker atomically (a reader never sees half a key). */
export async function writeMarker(path: string, key: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${key}\n`);
  await rename(temporary, path);
}
