import { PagePromise } from '@trainwire/core';

/** A page as Middleman sends it: the items in `data`, the count of all of them in `total`. */
export interface TotalPage<Raw> {
  data: Raw[];
  total: number;
}

/**
 * A list call that answers like the Python SDK when awaited — the tuple `[items, total]` of the
 * first page — and walks every item of every page with `for await` (no `await` first).
 */
export class TotalPagePromise<Raw, Item = Raw> implements PromiseLike<[Item[], number]>, AsyncIterable<Item> {
  readonly #pages: PagePromise<TotalPage<Raw>, Raw>;
  readonly #map: (raw: Raw) => Item;

  constructor(pages: PagePromise<TotalPage<Raw>, Raw>, map: (raw: Raw) => Item) {
    this.#pages = pages;
    this.#map = map;
  }

  // biome-ignore lint/suspicious/noThenProperty: PromiseLike by design; awaiting it gives `[items, total]`.
  then<Fulfilled = [Item[], number], Rejected = never>(
    onfulfilled?: ((value: [Item[], number]) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#pages
      .firstPage()
      .then((page): [Item[], number] => [page.data.map(this.#map), page.total])
      .then(onfulfilled, onrejected);
  }

  catch<Rejected = never>(onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null) {
    return this.then(undefined, onrejected);
  }

  /** Each page in turn as `[items, total]`, fetching the next only when asked for it. */
  async *pages(): AsyncIterableIterator<[Item[], number]> {
    for await (const page of this.#pages.pages()) yield [page.data.map(this.#map), page.total];
  }

  /** Every item of every page; breaking out of the loop fetches nothing more. */
  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for await (const raw of this.#pages) yield this.#map(raw);
  }

  /** Every item (up to `maxItems` / `maxPages`) in one array. */
  async toArray(): Promise<Item[]> {
    const items: Item[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}

/**
 * A list call that fails as a promise would (on `await` and on `for await`) rather than throwing
 * when it is made: how invalid list parameters surface.
 */
export function failedList<Raw, Item>(error: unknown): TotalPagePromise<Raw, Item> {
  const pages = new PagePromise<TotalPage<Raw>, Raw>(() => Promise.reject(error), {}, { items: (page) => page.data, next: () => null });
  return new TotalPagePromise(pages, (raw) => raw as unknown as Item);
}

/** Run `check`, then build the list; a failed check becomes a rejected list. */
export function checkedList<Raw, Item>(check: () => void, build: () => TotalPagePromise<Raw, Item>): TotalPagePromise<Raw, Item> {
  try {
    check();
  } catch (error) {
    return failedList(error);
  }
  return build();
}
