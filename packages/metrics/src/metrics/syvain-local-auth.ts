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
 * Read the Syvain CLI's auth file (Node, Bun and Deno only) with the checks of
 * `@trainwire/cli-kit/secure-file`: opened without following a symlink, and refused with
 * {@link MetricsApiAuthError} when it is missing, unreadable, malformed, a symlink, another user's,
 * readable by group or others, or in a folder others can write.
 */
export async function readSyvainLocalAuth(path?: string): Promise<SyvainLocalAuth> {
  const { secure, os } = await nodeModules();
  const file = path ?? `${os.homedir()}/${SYVAIN_AUTH_FILE}`;
  let text: string | undefined;
  try {
    text = await secure.readSecureFile(file);
  } catch (error) {
    const unsafe = (error as Error)?.name === 'UnsafeFileError';
    const reason = unsafe
      ? `is unsafe: ${(error as Error).message}`
      : `cannot be read: ${(error as { code?: string }).code ?? (error as Error).message}`;
    throw new MetricsApiAuthError(`Syvain local auth file ${file} ${reason}`, { path: file, cause: error });
  }
  if (text === undefined) {
    throw new MetricsApiAuthError(
      `Syvain local auth file ${file} does not exist: sign in with the Syvain CLI, or pass an API key instead of 'local'.`,
      { path: file },
    );
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

/** The parts of `@trainwire/cli-kit/secure-file` and `node:os` used here (typed locally: the package builds without Node's types). */
interface NodeModules {
  secure: { readSecureFile(path: string): Promise<string | undefined> };
  os: { homedir(): string };
}

// A specifier in a variable keeps bundlers from pulling Node built-ins into a browser build.
const load = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

async function nodeModules(): Promise<NodeModules> {
  try {
    const [secure, os] = (await Promise.all([load('@trainwire/cli-kit/secure-file'), load('node:os')])) as [
      NodeModules['secure'],
      NodeModules['os'],
    ];
    return { secure, os };
  } catch (error) {
    throw new MetricsApiAuthError(
      "Syvain local auth ('local') reads ~/.config/syvain-metrics/auth.json and needs Node.js, Bun or Deno; pass an API key in this runtime.",
      { cause: error },
    );
  }
}
