import { TGTinkerError } from './tensafe-errors.js';

/** Writes a stream to a file atomically; made by {@link loadArtifactWriter}. */
export type ArtifactWriter = (body: ReadableStream<Uint8Array>, destination: string) => Promise<{ path: string; bytesWritten: number }>;

interface NodeFileHandle {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The parts of Node's modules the writer uses, typed here: the package is built without
 * `@types/node`, so that nothing reachable from its entries needs Node.
 */
interface NodeModules {
  fs: {
    open(path: string, flags: string): Promise<NodeFileHandle>;
    rename(from: string, to: string): Promise<void>;
    rm(path: string, options: { force: boolean }): Promise<void>;
  };
  path: { resolve(path: string): string; dirname(path: string): string; basename(path: string): string; join(...parts: string[]): string };
}

/**
 * Load Node's file system (Node, Bun, Deno) and return a writer that streams a body to
 * `destination` in constant memory: into a temporary file in the same folder, flushed to disk,
 * then renamed over `destination`. If anything fails, the temporary file is removed and
 * `destination` is left as it was. Throws `TGTinkerError` (`FILE_SYSTEM_UNAVAILABLE`) elsewhere.
 */
export async function loadArtifactWriter(): Promise<ArtifactWriter> {
  let modules: NodeModules;
  try {
    modules = await importNodeModules();
  } catch (error) {
    throw new TGTinkerError(
      'pullArtifact({ destination }) writes to the file system, which needs Node.js (or Bun or Deno). Omit destination to get the bytes, or pass { stream: true } for a ReadableStream.',
      'FILE_SYSTEM_UNAVAILABLE',
      { cause: String(error) },
    );
  }
  const { fs, path } = modules;
  return async (body, destination) => {
    const target = path.resolve(destination);
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${crypto.randomUUID()}.part`);
    let bytesWritten = 0;
    const reader = body.getReader();
    try {
      const file = await fs.open(temporary, 'wx');
      try {
        // Each chunk is written before the next is read: nothing queues between the socket and
        // the disk, so memory stays flat however big the artifact is.
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          const chunk = next.value;
          // A write may take fewer bytes than it was given: write the rest.
          for (let offset = 0; offset < chunk.byteLength; )
            offset += (await file.write(chunk, offset, chunk.byteLength - offset)).bytesWritten;
          bytesWritten += chunk.byteLength;
        }
        // Flush to disk before the rename, so a crash cannot leave a renamed but empty file.
        await file.sync();
      } finally {
        await file.close();
      }
      await fs.rename(temporary, target);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      await reader.cancel().catch(() => undefined);
      throw error;
    }
    return { path: target, bytesWritten };
  };
}

/** A specifier in a variable: bundlers for browsers leave it alone, and TypeScript needs no Node types. */
const load = (specifier: string): Promise<Record<string, unknown>> => import(specifier);

async function importNodeModules(): Promise<NodeModules> {
  const [fs, path] = await Promise.all(['node:fs/promises', 'node:path'].map(load));
  return { fs: fs as unknown as NodeModules['fs'], path: path as unknown as NodeModules['path'] };
}
