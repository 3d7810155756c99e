import { TGTinkerError } from './tensafe-errors.js';

/** Writes a stream to a file atomically; made by {@link loadArtifactWriter}. */
export type ArtifactWriter = (body: ReadableStream<Uint8Array>, destination: string) => Promise<{ path: string; bytesWritten: number }>;

/**
 * The parts of Node's modules the writer uses, typed here: the package is built without
 * `@types/node`, so that nothing reachable from its entries needs Node.
 */
interface NodeModules {
  fs: {
    open(path: string, flags: string): Promise<{ sync(): Promise<void>; close(): Promise<void> }>;
    rename(from: string, to: string): Promise<void>;
    rm(path: string, options: { force: boolean }): Promise<void>;
  };
  createWriteStream(path: string, options: { flags: string }): unknown;
  path: { resolve(path: string): string; dirname(path: string): string; basename(path: string): string; join(...parts: string[]): string };
  Readable: { fromWeb(stream: ReadableStream<Uint8Array>): unknown };
  pipeline(source: unknown, destination: unknown): Promise<void>;
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
  const { fs, createWriteStream, path, Readable, pipeline } = modules;
  return async (body, destination) => {
    const target = path.resolve(destination);
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${crypto.randomUUID()}.part`);
    let bytesWritten = 0;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytesWritten += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    try {
      await pipeline(Readable.fromWeb(counted), createWriteStream(temporary, { flags: 'wx' }));
      // Flush to disk before the rename, so a crash cannot leave a renamed but empty file.
      const file = await fs.open(temporary, 'r+');
      await file.sync().finally(() => file.close());
      await fs.rename(temporary, target);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      await counted.cancel().catch(() => undefined);
      throw error;
    }
    return { path: target, bytesWritten };
  };
}

/** A specifier in a variable: bundlers for browsers leave it alone, and TypeScript needs no Node types. */
const load = (specifier: string): Promise<Record<string, unknown>> => import(specifier);

async function importNodeModules(): Promise<NodeModules> {
  const [fs, fsSync, path, stream, streamPromises] = await Promise.all(
    ['node:fs/promises', 'node:fs', 'node:path', 'node:stream', 'node:stream/promises'].map(load),
  );
  return {
    fs: fs as unknown as NodeModules['fs'],
    createWriteStream: fsSync?.createWriteStream as NodeModules['createWriteStream'],
    path: path as unknown as NodeModules['path'],
    Readable: stream?.Readable as NodeModules['Readable'],
    pipeline: streamPromises?.pipeline as NodeModules['pipeline'],
  };
}
