import { Future, type PagePromise } from '@trainwire/core';

/**
 * A list call of the RestClient: a {@link Future} of the first page (`await` it or call
 * `.result()`), and also `for await`-able over every item, page after page, like core's
 * `PagePromise` (nothing is fetched until one of them asks; page 1 is fetched once and shared).
 */
export class TinkerListFuture<Page, Item> extends Future<Page> implements AsyncIterable<Item> {
  readonly #pages: PagePromise<Page, Item>;

  constructor(id: string, pages: PagePromise<Page, Item>) {
    super({
      id,
      poll: ({ respond }) =>
        pages.withResponse().then(
          ({ data, response }) => {
            respond(response);
            return { state: 'done', value: data };
          },
          (error: Error) => ({ state: 'failed', error }),
        ),
    });
    this.#pages = pages;
  }

  /** The first page (the same request `await` makes). */
  firstPage(): Promise<Page> {
    return this.#pages.firstPage();
  }

  /** Each page in turn, fetching the next only when asked for it. */
  pages(): AsyncIterableIterator<Page> {
    return this.#pages.pages();
  }

  /** Every item, up to the `maxItems` / `maxPages` given to the call. */
  toArray(): Promise<Item[]> {
    return this.#pages.toArray();
  }

  [Symbol.asyncIterator](): AsyncIterator<Item> {
    return this.#pages[Symbol.asyncIterator]();
  }
}
