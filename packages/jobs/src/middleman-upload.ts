import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  announceWait,
  bodyLimit,
  credentialsInURL,
  errorFromResponse,
  type Fetch,
  InvalidRequestError,
  type Logger,
  RedirectError,
  ResponseTooLargeError,
  type RetryWait,
  readBoundedBody,
  STREAMED_BODY_INIT,
  sleep,
  type TrainwireError,
  waitAfterFailure,
  withRedirects,
} from '@trainwire/core';
import { service } from './generated/jobs-service.js';
import { NodeOnlyError } from './middleman-errors.js';

/** What `uploadFile` accepts: a local path (Node, Bun, Deno), a `Blob`/`File`, or a byte stream. */
export type UploadSource = string | Blob | ReadableStream<Uint8Array>;

/** Bytes sent so far, and how many there are in all. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Options of `uploadFile`. */
export interface UploadFileOptions {
  /** Associate the file with this job. */
  jobId?: string | undefined;
  /** Name to store the file under. @default the path's base name, the File's name, else `upload.bin` */
  filename?: string | undefined;
  /** @default guessed from the file name, else `application/octet-stream` */
  contentType?: string | undefined;
  /** Size in bytes; required for a `ReadableStream` (the server signs the URL for an exact size). */
  size?: number | undefined;
  /** Called as bytes leave, at least once at the end. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /** Aborts the upload with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Per-attempt timeout of the PUT to storage, in milliseconds: a storage host that accepts the
   * connection and never answers ends the attempt with `APITimeoutError`. @default the call's `timeout`, else the client's (30 s)
   */
  timeout?: number | undefined;
}

/** A source ready to be sent: its size, name, type, and a way to read it (again, when it can be). */
export interface OpenedSource {
  filename: string;
  size: number;
  contentType: string;
  /** The bytes from the start; `onProgress` hears of them as they are read. */
  open(onProgress?: UploadFileOptions['onProgress']): ReadableStream<Uint8Array>;
  /** Whether `open` can be called again (so a failed PUT may be retried). */
  reopenable: boolean;
  /**
   * The Blob itself, sent as is: fetch gives it a Content-Length (which presigned URLs may require),
   * and browsers stream request bodies only over HTTP/2, so a Blob must not become a stream.
   */
  blob?: Blob;
}

const CONTENT_TYPES: Record<string, string> = {
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
  json: 'application/json',
  jsonl: 'application/jsonl',
  csv: 'text/csv',
  txt: 'text/plain',
  py: 'text/x-python',
  parquet: 'application/vnd.apache.parquet',
};

/** Turn what the caller gave into an {@link OpenedSource}; a path is read lazily through `node:fs`. */
export async function openSource(source: UploadSource, options: UploadFileOptions): Promise<OpenedSource> {
  checkUploadOptions(options);
  if (typeof source === 'string') return openPath(source, options);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const filename = options.filename ?? ((source as Partial<File>).name || 'upload.bin');
    return {
      filename,
      size: source.size,
      contentType: options.contentType ?? (source.type || guessContentType(filename)),
      open: () => source.stream() as ReadableStream<Uint8Array>,
      reopenable: true,
      blob: source,
    };
  }
  if (source instanceof ReadableStream) {
    if (options.size === undefined || !Number.isInteger(options.size) || options.size < 0) {
      throw new InvalidRequestError('size', 'is required (a whole number of bytes) when uploading a ReadableStream');
    }
    const filename = options.filename ?? 'upload.bin';
    let used = false;
    return {
      filename,
      size: options.size,
      contentType: options.contentType ?? guessContentType(filename),
      open: (onProgress) => {
        if (used) throw new InvalidRequestError('source', 'a ReadableStream can be sent only once');
        used = true;
        return countBytes(source, options.size as number, onProgress);
      },
      reopenable: false,
    };
  }
  throw new InvalidRequestError('source', 'must be a file path, a Blob or a ReadableStream');
}

/**
 * Refuse options that would fail deep inside the upload: a file name or content type that is not a
 * non-empty string (the content type goes into the PUT's header, so CR, LF and NUL too), and an
 * `onProgress` that is not a function.
 */
function checkUploadOptions(options: UploadFileOptions): void {
  for (const field of ['filename', 'contentType'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '' || /[\r\n\0]/.test(value))) {
      throw new InvalidRequestError(field, 'must be a non-empty string without CR, LF or NUL characters');
    }
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidRequestError('onProgress', 'must be a function');
  }
  if (options.timeout !== undefined && !(Number.isFinite(options.timeout) && options.timeout > 0)) {
    throw new InvalidRequestError('timeout', 'must be a finite number of milliseconds > 0');
  }
}

interface NodeFileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}
interface NodeFs {
  stat(path: string): Promise<{ size: number; isFile(): boolean }>;
  open(path: string, flags: string): Promise<NodeFileHandle>;
}

/** Bytes read from a file per chunk of the upload. */
const CHUNK_BYTES = 64 * 1024;

async function openPath(path: string, options: UploadFileOptions): Promise<OpenedSource> {
  if (path.trim() === '') throw new InvalidRequestError('path', 'must be a non-empty file path');
  const fs = await importNode<NodeFs>('node:fs/promises');
  const stat = await fs.stat(path).catch((error: unknown) => {
    throw new InvalidRequestError('path', `cannot read ${JSON.stringify(path)} (${(error as { code?: string }).code ?? 'error'})`);
  });
  if (!stat.isFile()) throw new InvalidRequestError('path', `${JSON.stringify(path)} is not a file`);
  const filename = options.filename ?? path.split(/[\\/]/).pop() ?? 'upload.bin';
  return {
    filename,
    size: stat.size,
    contentType: options.contentType ?? guessContentType(filename),
    open: (onProgress) => readFile(fs, path, stat.size, onProgress),
    reopenable: true,
  };
}

/**
 * The file as a byte stream that reads only when its reader asks (nothing is queued ahead), so
 * memory stays flat however big the file is: into the reader's own buffer when it brings one (a
 * BYOB reader, as the upload over `node:http` does, reusing its buffers), else into a new chunk of
 * at most 64 KiB. A file that shrinks while it is read errors the stream rather than sending fewer
 * bytes than the signed size.
 */
function readFile(fs: NodeFs, path: string, size: number, onProgress: UploadFileOptions['onProgress']): ReadableStream<Uint8Array> {
  let file: NodeFileHandle | undefined;
  let position = 0;
  return new ReadableStream(
    {
      type: 'bytes',
      async pull(controller) {
        file ??= await fs.open(path, 'r');
        const request = controller.byobRequest;
        const view = request?.view;
        const length = Math.min(view ? view.byteLength : CHUNK_BYTES, size - position);
        const chunk = view ? new Uint8Array(view.buffer, view.byteOffset, length) : new Uint8Array(length);
        const { bytesRead } = length === 0 ? { bytesRead: 0 } : await file.read(chunk, 0, length, position);
        if (bytesRead === 0) {
          await file.close();
          if (position < size) throw new InvalidRequestError('path', `${JSON.stringify(path)} shrank while it was being uploaded`);
          if (size === 0) onProgress?.({ loaded: 0, total: size });
          controller.close();
          request?.respond(0);
          return;
        }
        position += bytesRead;
        if (request) request.respond(bytesRead);
        else controller.enqueue(chunk.subarray(0, bytesRead));
        onProgress?.({ loaded: position, total: size });
      },
      async cancel() {
        await file?.close();
      },
    },
    { highWaterMark: 0 },
  );
}

async function importNode<Module>(specifier: string): Promise<Module> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as Module;
  } catch (error) {
    throw new NodeOnlyError(
      `Uploading a file by path needs Node.js (or Bun or Deno); here ${specifier} is unavailable. Pass a Blob or a ReadableStream instead.`,
      { cause: error },
    );
  }
}

/** The content type of a file name's extension, else `application/octet-stream`. */
export function guessContentType(filename: string): string {
  const extension = filename.includes('.') ? filename.split('.').pop()?.toLowerCase() : undefined;
  return (extension && CONTENT_TYPES[extension]) || 'application/octet-stream';
}

/**
 * PUT the bytes to a presigned URL: no API key (the URL is the credential), streamed, with
 * progress, each attempt bounded by `timeout` (sending, the storage's answer and its error body).
 * Redirects follow core's rules (`withRedirects`: a storage may send a PUT on to another region's
 * origin, with no credential header; never from https to plain http). A transient failure (core's one list: connection errors, 408, 429, 5xx but 501) is
 * retried when the source can be read again, after the wait core's policy gives (the storage's
 * `Retry-After`, at most 60 s, else backoff), reported to `onWait` and the logger. An error never
 * holds the URL's signature, even when the storage echoes it.
 */
export async function putToPresignedUrl(
  url: string,
  source: OpenedSource,
  options: {
    fetch: Fetch;
    maxRetries: number;
    /** Per-attempt timeout in milliseconds. */
    timeout: number;
    signal?: AbortSignal | undefined;
    onProgress?: UploadFileOptions['onProgress'];
    logger?: Logger | undefined;
    onWait?: ((wait: RetryWait) => void) | undefined;
  },
): Promise<Response> {
  const fetch = withRedirects(options.fetch, 'strip-credentials');
  // The query of a presigned URL is its signature: never keep it on an error.
  const bare = url.split('?')[0];
  const secrets = credentialsInURL(url);
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new APIUserAbortError({ cause: options.signal.reason, attempts: attempt });
    const attemptSignal = new AbortController();
    const timer = setTimeout(() => attemptSignal.abort(new DOMException('The operation timed out.', 'TimeoutError')), options.timeout);
    const onAbort = (): void => attemptSignal.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // `stopped` rejects at the timeout even when a fetch ignores its signal.
    const stopped = new Promise<never>((_, reject) => {
      attemptSignal.signal.addEventListener('abort', () => reject(attemptSignal.signal.reason), { once: true });
    });
    stopped.catch(() => {});
    const failed = (error: unknown): TrainwireError => {
      if (options.signal?.aborted) throw new APIUserAbortError({ cause: error, attempts: attempt + 1 });
      if (error instanceof InvalidRequestError || error instanceof RedirectError || error instanceof ResponseTooLargeError) throw error;
      // fetch (and core's node:http fetch) reject a body that failed as `TypeError('fetch failed', { cause })`:
      // a file that shrank is the caller's to fix, not a connection to retry.
      const cause = (error as { cause?: unknown } | null)?.cause;
      if (cause instanceof InvalidRequestError) throw cause;
      if (attemptSignal.signal.aborted)
        return new APITimeoutError({ message: `Upload timed out after ${options.timeout} ms.`, cause: error, attempts: attempt + 1 });
      return new APIConnectionError({ cause: error, attempts: attempt + 1 });
    };
    let failure: TrainwireError;
    try {
      const sent = await Promise.race([putOnce(url, source, { ...options, fetch, signal: attemptSignal.signal }), stopped]);
      if (sent.ok) {
        await sent.body?.cancel();
        if (source.blob) options.onProgress?.({ loaded: source.size, total: source.size });
        return sent;
      }
      const body = new TextDecoder().decode(await Promise.race([readBoundedBody(sent, bodyLimit(sent.status)), stopped]));
      failure = errorFromResponse({
        status: sent.status,
        headers: sent.headers,
        body,
        attempts: attempt + 1,
        method: 'PUT',
        url: bare,
        secrets,
        // The storage's 409 (the URL was already used) is a state conflict, like the API's.
        conflictStatuses: service.conflictStatuses ?? undefined,
      });
    } catch (error) {
      failure = failed(error);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (!(failure.retryable && source.reopenable && attempt < options.maxRetries)) throw failure;
    const wait = waitAfterFailure(failure, attempt + 1, { target: `PUT ${bare}`, maxAttempts: options.maxRetries + 1 });
    announceWait(wait, options.logger, options.onWait);
    await sleep(wait.delay, options.signal).catch((reason: unknown) => {
      throw new APIUserAbortError({ cause: reason, attempts: attempt + 1 });
    });
  }
}

/**
 * One PUT of the source. A Blob goes as a Blob (its progress is reported at the start and at the
 * end); anything else streams, with progress per chunk.
 */
function putOnce(
  url: string,
  source: OpenedSource,
  options: { fetch: Fetch; signal?: AbortSignal | undefined; onProgress?: UploadFileOptions['onProgress'] },
): Promise<Response> {
  if (source.blob) options.onProgress?.({ loaded: 0, total: source.size });
  const request = new Request(url, {
    method: 'PUT',
    // The length the URL was signed for (a Blob's own): a storage may refuse a chunked body (S3 answers 501).
    headers: { 'Content-Type': source.contentType, 'Content-Length': String(source.size) },
    signal: options.signal,
    ...(source.blob ? { body: source.blob } : { body: source.open(options.onProgress), ...STREAMED_BODY_INIT }),
  } as RequestInit);
  // A Blob rides in `init` too, so a 307/308 can send it again.
  return options.fetch(request, source.blob ? { body: source.blob, signal: options.signal } : undefined);
}

function countBytes(
  stream: ReadableStream<Uint8Array>,
  total: number,
  onProgress: UploadFileOptions['onProgress'],
): ReadableStream<Uint8Array> {
  if (!onProgress) return stream;
  let loaded = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        controller.enqueue(chunk);
        onProgress({ loaded, total });
      },
      flush() {
        if (loaded === 0) onProgress({ loaded, total });
      },
    }),
  );
}
