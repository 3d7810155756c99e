import { registerSecret } from '@trainwire/core';
import { MetricsApiAuthError } from './syvain-metrics-errors.js';

/** What `~/.config/syvain-metrics/auth.json` (written by the Syvain CLI) provides. */
export interface SyvainLocalAuth {
  /** The organisation API key (`api_key`). */
  apiKey: string;
  /** The API host the CLI signed in to (`base_url`), when it says. */
  host: string | undefined;
  /** The file that was read. */
  path: string;
}

/** The documented location, relative to the home directory. */
export const SYVAIN_AUTH_FILE = '.config/syvain-metrics/auth.json';

/**
 * Read the Syvain CLI's auth file (Node, Bun and Deno only). Throws {@link MetricsApiAuthError} when
 * the file is missing, unreadable, malformed, or readable by group or others.
 */
export async function readSyvainLocalAuth(path?: string): Promise<SyvainLocalAuth> {
  const { fs, os } = await nodeModules();
  const file = path ?? `${os.homedir()}/${SYVAIN_AUTH_FILE}`;
  let stats: { mode: number };
  try {
    stats = await fs.stat(file);
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new MetricsApiAuthError(
      `Syvain local auth file ${file} ${reason}: sign in with the Syvain CLI, or pass an API key instead of 'local'.`,
      { path: file, cause: error },
    );
  }
  // The file holds an org API key; refuse it when others can read it, as ssh does with private keys.
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
  if (platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw new MetricsApiAuthError(
      `Syvain local auth file ${file} is readable by group or others (mode ${mode}); run \`chmod 600 ${file}\`.`,
      { path: file },
    );
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new MetricsApiAuthError(`Syvain local auth file ${file} cannot be read: ${(error as Error).message}`, {
      path: file,
      cause: error,
    });
  }
  return parseAuth(text, file);
}

function parseAuth(text: string, file: string): SyvainLocalAuth {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the file, which holds the key: leave it out.
    throw new MetricsApiAuthError(`Syvain local auth file ${file} is not valid JSON; sign in with the Syvain CLI again.`, { path: file });
  }
  const record = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const apiKey = record.api_key;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new MetricsApiAuthError(`Syvain local auth file ${file} has no "api_key" string; sign in with the Syvain CLI again.`, {
      path: file,
    });
  }
  registerSecret(apiKey);
  const host = record.base_url;
  if (host !== undefined && host !== null && typeof host !== 'string') {
    throw new MetricsApiAuthError(`Syvain local auth file ${file} has a "base_url" that is not a string.`, { path: file });
  }
  return { apiKey: apiKey.trim(), host: host ?? undefined, path: file };
}

/** The parts of `node:fs/promises` and `node:os` used here (typed locally: the package builds without Node's types). */
interface NodeModules {
  fs: { stat(path: string): Promise<{ mode: number }>; readFile(path: string, encoding: 'utf8'): Promise<string> };
  os: { homedir(): string };
}

// A specifier in a variable keeps bundlers from pulling Node built-ins into a browser build.
const load = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

async function nodeModules(): Promise<NodeModules> {
  try {
    const [fs, os] = (await Promise.all([load('node:fs/promises'), load('node:os')])) as [NodeModules['fs'], NodeModules['os']];
    return { fs, os };
  } catch (error) {
    throw new MetricsApiAuthError(
      "Syvain local auth ('local') reads ~/.config/syvain-metrics/auth.json and needs Node.js, Bun or Deno; pass an API key in this runtime.",
      { cause: error },
    );
  }
}
