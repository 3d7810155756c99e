/**
 * A request body that goes on the wire as it is (bytes, text, a form, a stream) rather than as
 * JSON of a plain value; the spec's JSON schema does not apply to it.
 */
export function isRawBody(body: unknown): body is BodyInit {
  return (
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    body instanceof Blob ||
    body instanceof FormData ||
    body instanceof URLSearchParams ||
    body instanceof ReadableStream
  );
}
