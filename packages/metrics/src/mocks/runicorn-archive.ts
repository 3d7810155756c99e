/** One regular file read from an archive. */
export interface ArchiveFile {
  path: string;
  data: Uint8Array;
}

/** The archive could not be read as a zip or a gzip'd tar. */
export class ArchiveFormatError extends Error {
  override name = 'ArchiveFormatError';
}

const text = new TextDecoder();

/**
 * The regular files of a `.zip` or `.tar.gz` (as the viewer's import reads them: links and folders
 * are skipped). Decompression uses `DecompressionStream`, so this runs in Node and browsers alike.
 */
export async function readArchive(bytes: Uint8Array): Promise<ArchiveFile[]> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return readZip(bytes);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return readTar(await inflate(bytes, 'gzip'));
  throw new ArchiveFormatError('not a zip file, and not a gzip file');
}

async function inflate(bytes: Uint8Array, format: 'gzip' | 'deflate-raw'): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(format));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new ArchiveFormatError(`corrupted ${format} data (${(error as Error).message})`);
  }
}

/** A ustar/pax tar: 512-byte headers, each file padded to 512 bytes. */
function readTar(bytes: Uint8Array): ArchiveFile[] {
  const files: ArchiveFile[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + 512 <= bytes.length; ) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) => text.decode(header.subarray(start, start + length)).replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size)) throw new ArchiveFormatError('a tar header has no size');
    const kind = field(156, 1);
    const prefix = field(257, 6).startsWith('ustar') ? field(345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const data = bytes.subarray(offset + 512, offset + 512 + size);
    longName = undefined;
    if (kind === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text.decode(data))?.[1];
    else if (kind === 'L') longName = text.decode(data).replace(/\0.*$/s, '');
    else if (kind === '0' || kind === '' || kind === '7') files.push({ path: name, data: data.slice() });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** A zip: entries found through the central directory, stored or deflated. */
async function readZip(bytes: Uint8Array): Promise<ArchiveFile[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let index = bytes.length - 22; index >= Math.max(0, bytes.length - 65_557); index--) {
    if (view.getUint32(index, true) === 0x06054b50) {
      end = index;
      break;
    }
  }
  if (end < 0) throw new ArchiveFormatError('no zip end-of-central-directory record');
  const count = view.getUint16(end + 10, true);
  let entry = view.getUint32(end + 16, true);
  const files: ArchiveFile[] = [];
  for (let index = 0; index < count; index++) {
    if (view.getUint32(entry, true) !== 0x02014b50) throw new ArchiveFormatError('a broken zip central directory');
    const method = view.getUint16(entry + 10, true);
    const compressed = view.getUint32(entry + 20, true);
    const nameLength = view.getUint16(entry + 28, true);
    const extraLength = view.getUint16(entry + 30, true);
    const commentLength = view.getUint16(entry + 32, true);
    const local = view.getUint32(entry + 42, true);
    const path = text.decode(bytes.subarray(entry + 46, entry + 46 + nameLength));
    entry += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + compressed);
    if (method === 0) files.push({ path, data: raw.slice() });
    else if (method === 8) files.push({ path, data: await inflate(raw, 'deflate-raw') });
    else throw new ArchiveFormatError(`zip compression method ${method} is not supported`);
  }
  return files;
}
