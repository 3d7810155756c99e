/// <reference types="node" />
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ensureSecureFolder } from '@trainwire/cli-kit/secure-file';
import { InvalidRequestError } from '@trainwire/core';
import { stableHash } from './client-event-id.js';
import type { IngestSpool, SpoolOpenOptions } from './metrics-spool.js';
import { MetricsSpoolFile, readHeader } from './metrics-spool-file.js';

/** `$XDG_STATE_HOME/trainwire/metrics-spool`, or `~/.local/state/trainwire/metrics-spool` (state that must outlive a crash, per the XDG spec). */
export function defaultSpoolDir(environment: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  const base = environment.XDG_STATE_HOME;
  return join(base && isAbsolute(base) ? base : join(home, '.local', 'state'), 'trainwire', 'metrics-spool');
}

/** An experiment's folder name: its id when that is a plain name (Syvain's are UUIDs), else a hash of it. */
const folderName = (experimentId: string): string =>
  /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(experimentId) ? experimentId : `id-${stableHash(experimentId)}`;

/**
 * Open this process's spool file of `experimentId` (see {@link MetricsSpoolFile}), taking over what
 * ended processes left. The folders are created 0700 and refused (`UnsafeFileError`) when they are
 * symlinks, another user's, or writable by others; files are 0600, opened without following links.
 */
export async function openMetricsSpool(experimentId: string, options: SpoolOpenOptions = {}): Promise<IngestSpool> {
  if (typeof experimentId !== 'string' || experimentId === '') throw new InvalidRequestError('experimentId', 'is required');
  const root = options.dir ?? defaultSpoolDir();
  const folder = join(root, folderName(experimentId));
  await ensureSecureFolder(root);
  await ensureSecureFolder(folder);
  return MetricsSpoolFile.create(folder, experimentId, { logger: options.logger });
}

/** The experiments with a spool file in `dir` (what `trainwire-metrics syvain sync` goes through). */
export function spooledExperiments(dir: string = defaultSpoolDir()): string[] {
  const found = new Set<string>();
  let folders: string[];
  try {
    folders = readdirSync(dir);
  } catch {
    return [];
  }
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(join(dir, folder));
    } catch {
      continue;
    }
    for (const name of names) {
      const header = name.includes('.spool') ? readHeader(join(dir, folder, name)) : undefined;
      if (header && folderName(header.experiment) === folder) found.add(header.experiment);
    }
  }
  return [...found].sort();
}
