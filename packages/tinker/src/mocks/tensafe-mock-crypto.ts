import { sha256Hex } from '../tensafe/sha256.js';

/** The bytes of a hex string. */
export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/** `length` deterministic plaintext bytes for a checkpoint (a fast xorshift stream keyed by `label`). */
export function checkpointBytes(label: string, length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  const words = new Uint32Array(bytes.buffer, 0, length >>> 2);
  let state = Number.parseInt(sha256Hex(label).slice(0, 8), 16) | 1;
  for (let index = 0; index < words.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[index] = state >>> 0;
  }
  for (let index = words.length * 4; index < length; index++) bytes[index] = index & 0xff;
  return bytes;
}

/** `"sha256:" + hex` of `bytes`, with WebCrypto (fast for large checkpoints). */
export async function contentHash(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256:${Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** AES-256-GCM as the TenSafe server uses it: 16-byte tag appended to the ciphertext, `aad` authenticated. */
export async function encryptArtifact(
  key: Uint8Array<ArrayBuffer>,
  nonce: Uint8Array<ArrayBuffer>,
  aad: string,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const additionalData = new TextEncoder().encode(aad);
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData, tagLength: 128 }, cryptoKey, plaintext));
}

/** Decrypt what {@link encryptArtifact} made; rejects when the key, nonce, AAD or bytes do not match. */
export async function decryptArtifact(
  key: Uint8Array<ArrayBuffer>,
  nonce: Uint8Array<ArrayBuffer>,
  aad: string,
  ciphertext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
  const additionalData = new TextEncoder().encode(aad);
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData, tagLength: 128 }, cryptoKey, ciphertext));
}
