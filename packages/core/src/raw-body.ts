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

/**
 * The `RequestInit` fields a streamed request body needs. Half-duplex, as fetch requires; and
 * `redirect: 'error'` with no window, because otherwise the Fetch standard's HTTP-network-or-cache
 * step sends a clone of the request whose body is teed, and the branch nobody reads keeps every
 * byte (a 1 GiB upload held 1.1 GB in Node's fetch). A stream could not be sent again to a
 * redirect's target anyway.
 */
export const STREAMED_BODY_INIT = { duplex: 'half', redirect: 'error', window: null } as const;
