/**
 * A request body that goes on the wire as it is (bytes, a form, a stream) rather than as JSON;
 * the spec's JSON schema does not apply to it. A string is not one: for a JSON operation it is a
 * JSON string value.
 */
export function isRawBody(body: unknown): body is BodyInit {
  return (
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    body instanceof Blob ||
    body instanceof FormData ||
    body instanceof URLSearchParams ||
    body instanceof ReadableStream
  );
}
