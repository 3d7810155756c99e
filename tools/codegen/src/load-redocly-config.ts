import { access } from 'node:fs/promises';
import path from 'node:path';
import { type Config, loadConfig } from '@redocly/openapi-core';
import { UsageError } from './usage-error.js';

/** Loads the lint rules from `redocly.yaml` at the repository root; a missing file is a `UsageError`. */
export async function loadRedoclyConfig(root: string): Promise<Config> {
  const configPath = path.join(root, 'redocly.yaml');
  try {
    await access(configPath);
  } catch {
    throw new UsageError(`missing ${configPath}: the Redocly lint rules for the specs`);
  }
  return loadConfig({ configPath });
}
