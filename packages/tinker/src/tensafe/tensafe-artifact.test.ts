import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIConnectionError, InvalidRequestError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { contentHash, decryptArtifact } from '../mocks/tensafe-mock-crypto.js';
import { ServiceClient } from './tensafe-client.js';
import { ArtifactIntegrityError, ArtifactNotFoundError, TGTinkerError } from './tensafe-errors.js';

const BASE = 'https://api.tensafe.dev';
const SIZE = 300_000;
let mock = createTenSafeMock();
const { server, requests } = useMockServer(() => {
  mock = createTenSafeMock({ artifactSize: SIZE, chunkSize: 16_384 });
  return mock.handlers;
});
const service = () => new ServiceClient({ apiKey: 'ts-test-key', logLevel: 'off', pollInterval: 5 });

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tensafe-artifact-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A saved checkpoint of a fresh training client, and its plaintext hash from save_state. */
async function savedArtifact() {
  const tc = await service().createTrainingClient({ model_ref: 'm' });
  const saved = await tc.saveState();
  requests.length = 0;
  return saved;
}

/** A 200 whose body sends `sent` bytes and then stops (or breaks), announcing `announced`. */
function cutDownload(sent: number, announced: number, breakAfter: boolean) {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= sent) {
        if (breakAfter) controller.error(new TypeError('terminated'));
        else controller.close();
        return;
      }
      const size = Math.min(4096, sent - offset);
      controller.enqueue(new Uint8Array(size).fill(7));
      offset += size;
    },
  });
  return new HttpResponse(body, {
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(announced), 'x-encryption-algorithm': 'AES-256-GCM' },
  });
}

describe('pullArtifact', () => {
  it('returns the bytes without a destination, as pull_artifact documents; they decrypt to the plaintext save_state hashed', async () => {
    const saved = await savedArtifact();
    const data = await service().pullArtifact(saved.artifact_id);
    expect(data).toBeInstanceOf(Uint8Array);
    expect(data.byteLength).toBe(SIZE + 16);
    const stored = mock.state.artifacts.get(saved.artifact_id);
    if (!stored) throw new Error('the mock lost the artifact');
    expect(data).toEqual(stored.ciphertext);
    const plaintext = await decryptArtifact(stored.key, stored.nonce, stored.aad, data as Uint8Array<ArrayBuffer>);
    expect(await contentHash(plaintext)).toBe(saved.content_hash);
    const [sent] = requests;
    expect(sent?.url.pathname).toBe(`/v1/artifacts/${saved.artifact_id}/content`);
    expect(sent?.headers.get('accept')).toBe('application/octet-stream');
    expect(sent?.headers.get('authorization')).toBe('Bearer ts-test-key');
  });

  it('streams to destination through a temporary file in the same folder, renamed at the end', async () => {
    const saved = await savedArtifact();
    const destination = join(folder, 'checkpoint.bin');
    const sizesSeen: number[] = [];
    let pulls = 0;
    const original = mock.state.artifacts.get(saved.artifact_id)?.ciphertext as Uint8Array;
    server.use(
      http.get(`${BASE}/v1/artifacts/:id/content`, () => {
        let offset = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (++pulls === 12) {
              const names = await readdir(folder);
              sizesSeen.push(...(await Promise.all(names.map(async (name) => (await stat(join(folder, name))).size))));
              expect(names).toEqual([expect.stringMatching(/^\.checkpoint\.bin\..+\.part$/)]);
            }
            if (offset >= original.byteLength) return controller.close();
            controller.enqueue(original.slice(offset, offset + 8192));
            offset += 8192;
          },
        });
        return new HttpResponse(body, {
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(original.byteLength),
            'x-encryption-algorithm': 'AES-256-GCM',
          },
        });
      }),
    );
    const file = await service().pullArtifact(saved.artifact_id, { destination });
    expect(file).toMatchObject({ path: destination, bytesWritten: SIZE + 16, contentLength: SIZE + 16 });
    expect(sizesSeen[0]).toBeGreaterThan(0);
    expect(sizesSeen[0]).toBeLessThan(SIZE);
    expect(new Uint8Array(await readFile(destination))).toEqual(original);
    expect(await readdir(folder)).toEqual(['checkpoint.bin']);
  });

  it('leaves no partial file, and an existing destination untouched, when the stream is cut', async () => {
    const saved = await savedArtifact();
    const destination = join(folder, 'checkpoint.bin');
    await writeFile(destination, 'previous checkpoint');
    server.use(http.get(`${BASE}/v1/artifacts/:id/content`, () => cutDownload(50_000, 100_000, true)));
    const error = await service()
      .pullArtifact(saved.artifact_id, { destination })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toBe(`The download of artifact ${saved.artifact_id} was cut short.`);
    expect(await readdir(folder)).toEqual(['checkpoint.bin']);
    expect(await readFile(destination, 'utf8')).toBe('previous checkpoint');
  });

  it('checks the byte count against Content-Length', async () => {
    const saved = await savedArtifact();
    server.use(http.get(`${BASE}/v1/artifacts/:id/content`, () => cutDownload(1000, 2000, false)));
    const error = await service()
      .pullArtifact(saved.artifact_id, { destination: join(folder, 'short.bin') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArtifactIntegrityError);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect((error as Error).message).toBe(
      `Artifact ${saved.artifact_id} failed its integrity check: received 1000 of the 2000 bytes announced`,
    );
    expect(await readdir(folder)).toEqual([]);
    server.use(http.get(`${BASE}/v1/artifacts/:id/content`, () => cutDownload(8, 8, false)));
    await expect(service().pullArtifact(saved.artifact_id)).rejects.toThrow(/shorter than the 16-byte GCM tag/);
  });

  it('returns a ReadableStream and the encryption headers with stream: true', async () => {
    const saved = await savedArtifact();
    const artifact = await service().pullArtifact(saved.artifact_id, { stream: true });
    expect(artifact).toMatchObject({
      artifactId: saved.artifact_id,
      filename: `${saved.artifact_id}.enc`,
      encryption: { algorithm: 'AES-256-GCM', keyId: saved.encryption.key_id },
      contentLength: SIZE + 16,
    });
    let chunks = 0;
    let bytes = 0;
    for await (const chunk of artifact.body as unknown as AsyncIterable<Uint8Array>) {
      chunks++;
      bytes += chunk.byteLength;
    }
    expect(bytes).toBe(SIZE + 16);
    expect(chunks).toBeGreaterThan(10);
  });

  it('maps a missing artifact to ArtifactNotFoundError and refuses bad arguments before sending', async () => {
    const error = await service()
      .pullArtifact('art-missing')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArtifactNotFoundError);
    expect(error).toMatchObject({ code: 'ARTIFACT_NOT_FOUND', status: 404 });
    requests.length = 0;
    await expect(service().pullArtifact('')).rejects.toThrow(InvalidRequestError);
    await expect(service().pullArtifact('art-1', { destination: '' })).rejects.toThrow(/destination/);
    await expect(service().pullArtifact('art-1', { destination: 'x', stream: true } as never)).rejects.toThrow(/cannot be combined/);
    expect(requests).toHaveLength(0);
  });
});
