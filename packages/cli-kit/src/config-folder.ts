import { isAbsolute, join } from 'node:path';
import type { CliIo } from './cli-io.js';

/** `$XDG_CONFIG_HOME/<name>`, or `~/.config/<name>` when it is unset or not absolute (as the XDG spec says). */
export function configFolder(io: Pick<CliIo, 'env' | 'home'>, name: string): string {
  const base = io.env.XDG_CONFIG_HOME;
  return join(base && isAbsolute(base) ? base : join(io.home, '.config'), name);
}
