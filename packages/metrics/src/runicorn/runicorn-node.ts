import { brand, TrainwireError } from '@trainwire/core';

/** A feature that touches the local disk was used outside Node (or Bun/Deno with `node:` modules). */
export class NodeRequiredError extends TrainwireError {
  static {
    brand(NodeRequiredError, 'NodeRequiredError');
  }
}

/** The few `node:fs/promises` functions the disk features use. */
export interface NodeFileSystem {
  writeFile(path: string, data: Uint8Array): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  copyFile(source: string, target: string): Promise<void>;
}

/** The path functions of `node:path`. */
export interface NodePath {
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
  dirname(path: string): string;
  sep: string;
}

/**
 * Load `node:fs/promises` and `node:path` when a disk feature is first used, never at import time,
 * so the package still loads in browsers; elsewhere throw {@link NodeRequiredError} naming `feature`.
 */
export async function loadNodeFileSystem(feature: string): Promise<{ fs: NodeFileSystem; path: NodePath }> {
  // Specifiers in variables keep bundlers from resolving them for browser builds.
  const fsModule = 'node:fs/promises';
  const pathModule = 'node:path';
  try {
    const [fs, path] = await Promise.all([import(fsModule), import(pathModule)]);
    return { fs: fs as NodeFileSystem, path: (path.default ?? path) as NodePath };
  } catch (error) {
    throw new NodeRequiredError(
      `${feature} writes to the local disk and needs Node.js (or Bun/Deno with node: modules); this runtime has no node:fs. Use the returned bytes instead.`,
      { cause: error },
    );
  }
}
