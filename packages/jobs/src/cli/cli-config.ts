import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerSecret } from '@trainwire/core';
import { SetupError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';

/** Where `middleman auth` keeps the key: `~/.middleman/config` (plain text, mode 0600), as the Python CLI does. */
export function configPath(io: CliIo): string {
  return join(io.home, '.middleman', 'config');
}

/** Where the key in use came from. */
export type KeySource = '--api-key' | 'MIDDLEMAN_API_KEY' | 'config';

/** The key: `--api-key`, then `MIDDLEMAN_API_KEY`, then the config file; each is registered as a secret. */
export async function resolveApiKey(io: CliIo, flag: string | undefined): Promise<{ key: string; source: KeySource }> {
  if (flag) return secret(flag, '--api-key');
  if (io.env.MIDDLEMAN_API_KEY) return secret(io.env.MIDDLEMAN_API_KEY, 'MIDDLEMAN_API_KEY');
  const key = await readConfig(io);
  if (key) return secret(key, 'config');
  throw new SetupError('No API key configured: run `middleman auth`, set MIDDLEMAN_API_KEY, or pass --api-key.');
}

function secret(key: string, source: KeySource) {
  registerSecret(key);
  return { key: key.trim(), source };
}

/** The saved key, or undefined when there is no config file. A file others can read is refused. */
export async function readConfig(io: CliIo): Promise<string | undefined> {
  const path = configPath(io);
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined;
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
    throw new SetupError(`${path} holds an API key but can be read by other users (mode ${mode}); run \`chmod 600 ${path}\`.`);
  }
  const key = (await readFile(path, 'utf8')).trim();
  registerSecret(key);
  return key || undefined;
}

/** Save the key with mode 0600 in a 0700 directory. */
export async function writeConfig(io: CliIo, key: string): Promise<string> {
  const path = configPath(io);
  await mkdir(join(io.home, '.middleman'), { recursive: true, mode: 0o700 });
  await writeFile(path, `${key}\n`, { mode: 0o600 });
  await chmod(path, 0o600); // writeFile keeps the mode of a file that already existed
  return path;
}
