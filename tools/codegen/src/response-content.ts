import { dereference, isRecord } from './json-pointer.js';

/** A media type of a request body or response: its content type and its (unconverted) schema. */
export interface MediaEntry {
  readonly contentType: string;
  readonly schema: unknown;
}

/** Picks the media type a client would use: `application/json`, then any `+json`, then the first. */
export function preferredMedia(content: unknown): MediaEntry | null {
  if (!isRecord(content)) return null;
  const types = Object.keys(content);
  const contentType = types.find((type) => type === 'application/json') ?? types.find((type) => isJsonType(type)) ?? types[0];
  if (contentType === undefined) return null;
  const media = content[contentType];
  return { contentType, schema: isRecord(media) ? media.schema : undefined };
}

/** Whether a content type carries JSON (`application/json`, `application/problem+json`, ...). */
export function isJsonType(contentType: string): boolean {
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return base === 'application/json' || base.endsWith('+json');
}

/**
 * The body of an operation's success response: the `200` one, or with `anySuccess` the lowest 2xx
 * (then `2XX`). `'none'` when there is no such response or it has no content, `'unknown'` when the
 * response is a `$ref` into another file.
 */
export function successMedia(
  document: unknown,
  operation: Record<string, unknown>,
  anySuccess: boolean,
): (MediaEntry & { status: string }) | 'none' | 'unknown' {
  if (!isRecord(operation.responses)) return 'none';
  const statuses = Object.keys(operation.responses);
  const status = anySuccess
    ? (statuses.find((code) => /^2\d\d$/.test(code)) ?? statuses.find((code) => code.toUpperCase() === '2XX'))
    : statuses.find((code) => code === '200');
  if (status === undefined) return 'none';
  const response = dereference(document, operation.responses[status]);
  if (!isRecord(response)) return 'unknown';
  const media = preferredMedia(response.content);
  return media === null ? 'none' : { ...media, status };
}
