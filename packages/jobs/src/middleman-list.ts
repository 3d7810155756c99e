import { PagePromise, type WithResponse } from '@trainwire/core';
import { requirePage } from './middleman-answer.js';

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
  readonly #operation: string;
  readonly #maxItems: number;

  /** `operation` names the list in errors; `maxItems` is the walk's limit (the one given to `pages`). */
  constructor(
    pages: PagePromise<TotalPage<Raw>, Raw>,
    map: (raw: Raw) => Item,
    options: { operation?: string | undefined; maxItems?: number | undefined } = {},
  ) {
    this.#pages = pages;
    this.#map = map;
    this.#operation = options.operation ?? 'list';
    this.#maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  }

  // biome-ignore lint/suspicious/noThenProperty: PromiseLike by design; awaiting it gives `[items, total]`.
  then<Fulfilled = [Item[], number], Rejected = never>(
    onfulfilled?: ((value: [Item[], number]) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#pages
      .firstPage()
      .then((page): [Item[], number] => [requirePage(page, this.#operation).data.map(this.#map), page.total])
      .then(onfulfilled, onrejected);
  }

  catch<Rejected = never>(onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null) {
    return this.then(undefined, onrejected);
  }

  /** The first page as `[items, total]`, with its response and request id. */
  async withResponse(): Promise<WithResponse<[Item[], number]>> {
    const { data: page, ...response } = await this.#pages.withResponse();
    return { data: [requirePage(page, this.#operation).data.map(this.#map), page.total], ...response };
  }

  /** The first page's response (its body already read into the page). */
  asResponse(): Promise<Response> {
    return this.#pages.asResponse();
  }

  /** Each page in turn as `[items, total]`, fetching the next only when asked for it. */
  async *pages(): AsyncIterableIterator<[Item[], number]> {
    for await (const page of this.#pages.pages()) yield [requirePage(page, this.#operation).data.map(this.#map), page.total];
  }

  /**
   * Every item of every page; breaking out of the loop fetches nothing more. A page without its
   * `data` fails the walk rather than ending it as if the list were done.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    if (this.#maxItems <= 0) return;
    let count = 0;
    for await (const [items] of this.pages()) {
      for (const item of items) {
        yield item;
        if (++count >= this.#maxItems) return;
      }
    }
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
