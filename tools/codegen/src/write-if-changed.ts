import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Reads a file, or null when it does not exist. */
export async function readExisting(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Writes a file atomically (a temporary file in the same folder, then a rename), and not at all
 * when it already holds `content`, so its mtime only moves when its bytes do.
 */
export async function writeIfChanged(file: string, content: string): Promise<'written' | 'unchanged'> {
  if ((await readExisting(file)) === content) return 'unchanged';
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return 'written';
}
