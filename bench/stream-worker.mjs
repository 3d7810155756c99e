// One run of the streaming section in its own process: `node stream-worker.mjs <url> <case> <bytes> <file> <scratch dir>`.
// Prints `{ seconds, peakRss, bytes }` as its last line; peak RSS is this process's own high-water mark (peak-rss.mjs).
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { peakRss } from './peak-rss.mjs';

// Each case loads only the package it uses, so that its peak RSS carries that package alone.
const tensafeClient = async () => (await import('@trainwire/tinker/tensafe')).TenSafeClient;
const middlemanClient = async () => (await import('@trainwire/jobs')).MiddlemanClient;

const [url, kase, bytesText, file, scratch] = process.argv.slice(2);
const size = Number(bytesText);
const destination = join(scratch, `pulled-${process.pid}.bin`);

/** A raw fetch PUT of the file, as a user would write it, with `init` added. */
async function rawPut(init) {
  const response = await fetch(`${url}/blob/bench.bin?signature=bench`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: Readable.toWeb(createReadStream(file)),
    duplex: 'half',
    ...init,
  });
  if (!response.ok) throw new Error(`PUT answered ${response.status}`);
  await response.arrayBuffer();
  return size;
}

const cases = {
  /** Nothing: the process with @trainwire/tinker/tensafe loaded, the floor under the download rows. */
  async 'idle pull'() {
    await tensafeClient();
    return 0;
  },
  /** Nothing: the process with @trainwire/jobs loaded, the floor under the upload rows. */
  async 'idle upload'() {
    await middlemanClient();
    return 0;
  },
  /** TenSafe pullArtifact to a file (temporary file, fsync, rename: what the client does). */
  async 'pull trainwire'() {
    const TenSafeClient = await tensafeClient();
    const tensafe = new TenSafeClient({ apiKey: 'ts-bench-0123456789', baseURL: url });
    const pulled = await tensafe.pullArtifact(`size-${size}`, { destination });
    return pulled.bytesWritten;
  },
  /** Raw fetch piped to a file, as a user would write it. */
  async 'pull raw'() {
    const response = await fetch(`${url}/v1/artifacts/size-${size}/content`, { headers: { authorization: 'Bearer ts-bench-0123456789' } });
    await pipeline(Readable.fromWeb(response.body), createWriteStream(destination));
    return (await stat(destination)).size;
  },
  /** Raw fetch piped to a file and flushed to disk (the same durability as pullArtifact). */
  async 'pull raw + fsync'() {
    const response = await fetch(`${url}/v1/artifacts/size-${size}/content`, { headers: { authorization: 'Bearer ts-bench-0123456789' } });
    await pipeline(Readable.fromWeb(response.body), createWriteStream(destination));
    const handle = await open(destination, 'r+');
    await handle.sync().finally(() => handle.close());
    return (await stat(destination)).size;
  },
  /** Middleman uploadFile of a path: POST /data/upload-url, then the streamed PUT. */
  async 'upload trainwire'() {
    const MiddlemanClient = await middlemanClient();
    const middleman = new MiddlemanClient({ apiKey: 'mm-bench-0123456789', baseURL: `${url}/api/v1` });
    await middleman.uploadFile(file);
    return size;
  },
  /** Raw fetch PUT of a file stream to the same URL. */
  'upload raw': () => rawPut({}),
  /** The same, told not to follow redirects: fetch then sends the request itself instead of a clone whose teed body nobody reads. */
  'upload raw, no redirect': () => rawPut({ redirect: 'error' }),
  /** node:http PUT of a file stream, piped with backpressure (no fetch): what the platform can do. */
  async 'upload node:http'() {
    const { request } = await import('node:http');
    const target = new URL(`${url}/blob/bench.bin?signature=bench`);
    const status = await new Promise((resolve, reject) => {
      const put = request(
        target,
        { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        },
      );
      put.on('error', reject);
      pipeline(createReadStream(file), put).catch(reject);
    });
    if (status >= 300) throw new Error(`PUT answered ${status}`);
    return size;
  },
};

const started = performance.now();
const bytes = await cases[kase]();
const seconds = (performance.now() - started) / 1000;
await rm(destination, { force: true });
console.log(JSON.stringify({ seconds, bytes, peakRss: peakRss() }));
