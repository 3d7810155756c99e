/// <reference types="node" />
import { join } from 'node:path';
import { type CliIo, configFolder, readSecureFile, SetupError, writeSecureFile } from '@trainwire/cli-kit';
import { registerSecret } from '@trainwire/core';

/** One named set of settings in the config file. */
export interface MiddlemanProfile {
  api_key?: string;
  base_url?: string;
}

/** `$XDG_CONFIG_HOME/middleman/config.json`. */
export interface MiddlemanConfig {
  /** The profile used when none is named (`--profile`, `MIDDLEMAN_PROFILE`). @default 'default' */
  profile?: string;
  profiles: Record<string, MiddlemanProfile>;
}

/** Where `middleman auth` saves keys and base URLs: `$XDG_CONFIG_HOME/middleman/config.json` (else `~/.config/...`). */
export function configPath(io: Pick<CliIo, 'env' | 'home'>): string {
  return join(configFolder(io, 'middleman'), 'config.json');
}

/** The Python CLI's key file, `~/.middleman/config` (the key alone): still read, never written. */
export function legacyConfigPath(io: Pick<CliIo, 'home'>): string {
  return join(io.home, '.middleman', 'config');
}

/** Where the key in use came from. */
export type KeySource = '--api-key' | 'MIDDLEMAN_API_KEY' | `profile ${string}` | '~/.middleman/config';

/** The settings a command runs with, and where each came from. */
export interface MiddlemanSettings {
  apiKey: string | undefined;
  keySource: KeySource | undefined;
  baseURL: string | undefined;
  /** The profile read (or to write, for `auth`). */
  profile: string;
  /** The config file, read or not. */
  path: string;
}

/** What the command line says (commander's names). */
export interface SettingFlags {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  profile?: string | undefined;
}

/**
 * The key and base URL, each from the first of: the flag (`--api-key`, `--base-url`); with
 * `--profile`, that profile; `MIDDLEMAN_API_KEY` / `MIDDLEMAN_API_URL`; the profile of
 * `MIDDLEMAN_PROFILE`, else the config's default one; for the key, the Python CLI's
 * `~/.middleman/config`. Every key found is registered as a secret. A profile named but not saved
 * is a setup error, unless `newProfile` (`auth` creates it).
 */
export async function resolveSettings(io: CliIo, flags: SettingFlags, options: { newProfile?: boolean } = {}): Promise<MiddlemanSettings> {
  const path = configPath(io);
  const config = await readConfig(io);
  const named = flags.profile ?? io.env.MIDDLEMAN_PROFILE;
  const profile = named || config?.profile || 'default';
  const saved = config?.profiles[profile];
  if (named && !saved && !flags.apiKey && !options.newProfile)
    throw new SetupError(`No profile "${profile}" in ${path}: run \`middleman auth --profile ${profile}\` to create it.`);
  const fromProfile = flags.profile ? saved : undefined;
  const fromDefault = flags.profile ? undefined : saved;
  const candidates: [string | undefined, KeySource][] = [
    [flags.apiKey, '--api-key'],
    [fromProfile?.api_key, `profile ${profile}`],
    [io.env.MIDDLEMAN_API_KEY, 'MIDDLEMAN_API_KEY'],
    [fromDefault?.api_key, `profile ${profile}`],
  ];
  let found = candidates.find(([key]) => key?.trim());
  if (!found) {
    const legacy = await readSecureFile(legacyConfigPath(io));
    if (legacy?.trim()) found = [legacy.trim(), '~/.middleman/config'];
  }
  const apiKey = found?.[0]?.trim();
  registerSecret(apiKey);
  const baseURL = flags.baseUrl || fromProfile?.base_url || io.env.MIDDLEMAN_API_URL || fromDefault?.base_url || undefined;
  return { apiKey, keySource: found?.[1], baseURL, profile, path };
}

/** The config file, or undefined when there is none; refused when unsafe (a symlink, someone else's, readable by others). */
export async function readConfig(io: CliIo): Promise<MiddlemanConfig | undefined> {
  const path = configPath(io);
  const text = await readSecureFile(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SetupError(`${path} is not valid JSON; fix it or remove it and run \`middleman auth\` again.`);
  }
  const profiles = (parsed as MiddlemanConfig | null)?.profiles;
  if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles)) throw new SetupError(`${path} has no "profiles" object.`);
  for (const [name, profile] of Object.entries(profiles)) {
    if (!profile || typeof profile !== 'object') throw new SetupError(`${path}: profile "${name}" is not an object.`);
    registerSecret(profile.api_key);
  }
  return parsed as MiddlemanConfig;
}

/** Save `settings` under `profile` (atomically, mode 0600, in a 0700 folder); the first profile saved becomes the default. */
export async function saveProfile(io: CliIo, profile: string, settings: MiddlemanProfile): Promise<string> {
  const path = configPath(io);
  const config = (await readConfig(io)) ?? { profiles: {} };
  config.profiles[profile] = { ...config.profiles[profile], ...settings };
  config.profile ??= profile;
  await writeSecureFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
