import { TGTinkerError } from './tensafe-errors.js';

/** Writes a stream to a file atomically; made by {@link loadArtifactWriter}. */
export type ArtifactWriter = (body: ReadableStream<Uint8Array>, destination: string) => Promise<{ path: string; bytesWritten: number }>;

/**
 * Load Node's file system (Node, Bun, Deno) and return a writer that streams a body to
 * `destination` in constant memory: into a temporary file in the same folder, flushed to disk,
 * then renamed over `destination`. If anything fails, the temporary file is removed and
 * `destination` is left as it was. Throws `TGTinkerError` (`FILE_SYSTEM_UNAVAILABLE`) elsewhere.
 */
export async function loadArtifactWriter(): Promise<ArtifactWriter> {
  let modules: Awaited<ReturnType<typeof importNodeModules>>;
  try {
    modules = await importNodeModules();
  } catch (error) {
    throw new TGTinkerError(
      'pullArtifact({ destination }) writes to the file system, which needs Node.js (or Bun or Deno). Omit destination to get the bytes, or pass { stream: true } for a ReadableStream.',
      'FILE_SYSTEM_UNAVAILABLE',
      { cause: String(error) },
    );
  }
  const [fs, { createWriteStream }, path, { Readable }, { pipeline }] = modules;
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
      await pipeline(Readable.fromWeb(counted as never), createWriteStream(temporary, { flags: 'wx' }));
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

function importNodeModules() {
  return Promise.all([
    import('node:fs/promises'),
    import('node:fs'),
    import('node:path'),
    import('node:stream'),
    import('node:stream/promises'),
  ]);
}
