import { TrainwireError } from '@trainwire/core';

/** A feature that touches the local disk was used outside Node (or Bun/Deno with `node:` modules). */
export class NodeRequiredError extends TrainwireError {
  static override readonly brand: string = 'NodeRequiredError';
}

/** What `stat` tells about a file: enough to know it is a regular file and to recognise it again. */
export interface NodeFileStats {
  dev: number;
  ino: number;
  size: number;
  isFile(): boolean;
}

/** An open file of `node:fs/promises`. */
export interface NodeFileHandle {
  stat(): Promise<NodeFileStats>;
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The few `node:fs/promises` functions the disk features use. */
export interface NodeFileSystem {
  writeFile(path: string, data: Uint8Array): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<NodeFileStats>;
  open(path: string, flags: number, mode?: number): Promise<NodeFileHandle>;
  rename(source: string, target: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  constants: { O_RDONLY: number; O_WRONLY: number; O_CREAT: number; O_EXCL: number; O_NOFOLLOW?: number };
}

/** The path functions of `node:path`. */
export interface NodePath {
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
  relative(from: string, to: string): string;
  dirname(path: string): string;
  isAbsolute(path: string): boolean;
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
