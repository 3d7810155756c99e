/** The opaque cursor of an offset: `base64("offset:N")`. */
export function encodeOffsetCursor(offset: number): string {
  return btoa(`offset:${offset}`);
}

/** The offset an {@link encodeOffsetCursor} cursor names, or undefined for a cursor it did not make. */
export function decodeOffsetCursor(cursor: string): number | undefined {
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    return undefined;
  }
  const digits = /^(?:offset:)?(\d{1,15})$/.exec(text)?.[1];
  return digits === undefined ? undefined : Number(digits);
}

/**
 * One page of a cursor-paged list: `limit` items from where `cursor` points (the start when null or empty)
 * and the cursor of the next page (null on the last). Undefined when `cursor` or `limit` is not one
 * the service would accept, for the mock to answer with its own 400.
 */
export function cursorPage<Item>(
  items: readonly Item[],
  cursor: string | null,
  limit: number,
): { items: Item[]; nextCursor: string | null } | undefined {
  const offset = cursor ? decodeOffsetCursor(cursor) : 0;
  if (offset === undefined || !Number.isInteger(limit) || limit < 1) return undefined;
  const end = offset + limit;
  return { items: items.slice(offset, end), nextCursor: end < items.length ? encodeOffsetCursor(end) : null };
}
