import { APIConnectionError, APIUserAbortError } from '@trainwire/core';
import { ArtifactIntegrityError } from './tensafe-errors.js';

/** What the artifact download's headers say about the ciphertext. */
export interface ArtifactInfo {
  artifactId: string;
  /** From `Content-Disposition` (`<artifact_id>.enc`). */
  filename: string | undefined;
  /** `X-Encryption-Algorithm` and `X-Encryption-Key-Id` (the tenant's data key, `dek-…`). */
  encryption: { algorithm: string | undefined; keyId: string | undefined };
  /** `Content-Length`: the ciphertext size in bytes, when the server sent it. */
  contentLength: number | undefined;
}

/** The ciphertext as a stream, checked against `Content-Length` as it is read (`pullArtifact(id, { stream: true })`). */
export interface ArtifactStream extends ArtifactInfo {
  body: ReadableStream<Uint8Array>;
}

/** The ciphertext written to disk (`pullArtifact(id, { destination })`). */
export interface ArtifactFile extends ArtifactInfo {
  /** The absolute path written. */
  path: string;
  bytesWritten: number;
}

/** Bytes of the GCM authentication tag appended to the ciphertext. */
const GCM_TAG_BYTES = 16;

/** The download's headers as an {@link ArtifactInfo}. */
export function artifactInfo(artifactId: string, response: Response): ArtifactInfo {
  const disposition = response.headers.get('content-disposition') ?? '';
  const length = Number.parseInt(response.headers.get('content-length') ?? '', 10);
  return {
    artifactId,
    filename: /filename="?([^";]+)"?/i.exec(disposition)?.[1],
    encryption: {
      algorithm: response.headers.get('x-encryption-algorithm') ?? undefined,
      keyId: response.headers.get('x-encryption-key-id') ?? undefined,
    },
    contentLength: Number.isFinite(length) && length >= 0 ? length : undefined,
  };
}

/**
 * Pass `body` through, counting bytes: the stream errors with {@link ArtifactIntegrityError} when
 * it ends short of or beyond `Content-Length` (or below a GCM tag), and with `APIConnectionError`
 * when the connection drops (`APIUserAbortError` when `signal`, the caller's, aborted it).
 */
export function checkedArtifactStream(
  info: ArtifactInfo,
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  let received = 0;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        controller.error(
          signal?.aborted
            ? new APIUserAbortError({ cause: error })
            : new APIConnectionError({ message: `The download of artifact ${info.artifactId} was cut short.`, cause: error }),
        );
        return;
      }
      if (chunk.done) {
        const problem = integrityProblem(info, received);
        if (problem) controller.error(new ArtifactIntegrityError(info.artifactId, problem));
        else controller.close();
        return;
      }
      received += chunk.value.byteLength;
      if (info.contentLength !== undefined && received > info.contentLength) {
        controller.error(new ArtifactIntegrityError(info.artifactId, `received more than the ${info.contentLength} bytes announced`));
        await reader.cancel().catch(() => undefined);
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

function integrityProblem(info: ArtifactInfo, received: number): string | undefined {
  if (info.contentLength !== undefined && received !== info.contentLength) {
    return `received ${received} of the ${info.contentLength} bytes announced`;
  }
  if (/gcm/i.test(info.encryption.algorithm ?? '') && received < GCM_TAG_BYTES) {
    return `${received} bytes is shorter than the ${GCM_TAG_BYTES}-byte GCM tag`;
  }
  return undefined;
}

/** Read a whole stream into one array. */
export async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return data;
}
