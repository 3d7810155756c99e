import { APIPromise, type WithResponse } from './api-promise.js';
import { APIUserAbortError } from './errors.js';
import type { PaginationStrategy } from './pagination-strategy.js';

/** Limits on how far a {@link PagePromise} walks. */
export interface PageOptions {
  /** Stop yielding, and fetching, once this many items were yielded. */
  maxItems?: number;
  /** Stop after this many pages. */
  maxPages?: number;
  /** Checked before each request and passed to it; aborting rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
}

/** A page's response, when its fetch gave one (an {@link APIPromise}). */
type PageResponse = Omit<WithResponse<unknown>, 'data'>;

/**
 * A paged list call: `await` it for the first page, or `for await` over it (no `await` first) for
 * every item, fetching pages lazily. Page 1 is fetched once and shared.
 */
export class PagePromise<Page, Item, Query = Record<string, unknown>> implements PromiseLike<Page>, AsyncIterable<Item> {
  readonly #fetchPage: (query: Query, signal?: AbortSignal) => Promise<Page>;
  readonly #query: Query;
  readonly #strategy: PaginationStrategy<Page, Item, Query>;
  readonly #options: PageOptions;
  readonly #responses = new WeakMap<object, PageResponse>();
  #first: Promise<Page> | undefined;

  /** `fetchPage` may return an {@link APIPromise}: then each page's response is kept (see {@link PagePromise.responseOf}). */
  constructor(
    fetchPage: (query: Query, signal?: AbortSignal) => Promise<Page>,
    query: Query,
    strategy: PaginationStrategy<Page, Item, Query>,
    options: PageOptions = {},
  ) {
    this.#fetchPage = fetchPage;
    this.#query = query;
    this.#strategy = strategy;
    this.#options = options;
  }

  // biome-ignore lint/suspicious/noThenProperty: PromiseLike by design; awaiting it gives the first page.
  then<Fulfilled = Page, Rejected = never>(
    onfulfilled?: ((value: Page) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.firstPage().then(onfulfilled, onrejected);
  }

  catch<Rejected = never>(onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null): Promise<Page | Rejected> {
    return this.firstPage().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page> {
    return this.firstPage().finally(onfinally);
  }

  /** The first page, fetched on the first call and shared by every later one. */
  firstPage(): Promise<Page> {
    this.#first ??= this.#fetch(this.#query);
    return this.#first;
  }

  /** The first page with its response and request id. */
  async withResponse(): Promise<WithResponse<Page>> {
    const data = await this.firstPage();
    return { data, ...(this.responseOf(data) as PageResponse) };
  }

  /** The first page's response (its body already read into the page, which `for await` still walks). */
  async asResponse(): Promise<Response> {
    return (await this.withResponse()).response;
  }

  /** The response and request id of a page this promise fetched (`undefined` for a page it did not fetch). */
  responseOf(page: Page): PageResponse | undefined {
    return typeof page === 'object' && page !== null ? this.#responses.get(page) : undefined;
  }

  /** Each page in turn, fetching the next only when asked for it. */
  async *pages(): AsyncIterableIterator<Page> {
    const { maxPages = Number.POSITIVE_INFINITY, maxItems = Number.POSITIVE_INFINITY } = this.#options;
    if (maxPages <= 0 || maxItems <= 0) return;
    // A strategy that hands back a query already sent would loop forever.
    const seen = new Set([queryKey(this.#query)]);
    let query = this.#query;
    let page = await this.firstPage();
    for (let count = 1, items = 0; ; count++) {
      yield page;
      items += this.#strategy.items(page).length;
      if (count >= maxPages || items >= maxItems) return;
      const next = this.#strategy.next(page, query);
      if (next === null || seen.has(queryKey(next))) return;
      seen.add(queryKey(next));
      query = next;
      page = await this.#fetch(query);
    }
  }

  /** Each item of each page; breaking out of the loop fetches nothing more. */
  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    const { maxItems = Number.POSITIVE_INFINITY } = this.#options;
    let count = 0;
    for await (const page of this.pages()) {
      for (const item of this.#strategy.items(page)) {
        yield item;
        if (++count >= maxItems) return;
      }
    }
  }

  /** Every item (up to `maxItems` / `maxPages`) in one array. */
  async toArray(): Promise<Item[]> {
    const items: Item[] = [];
    for await (const item of this) items.push(item);
    return items;
  }

  async #fetch(query: Query): Promise<Page> {
    const { signal } = this.#options;
    if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
    try {
      const pending = this.#fetchPage(query, signal);
      if (!(pending instanceof APIPromise)) return await pending;
      const { data, ...response } = (await pending.withResponse()) as WithResponse<Page>;
      if (typeof data === 'object' && data !== null) this.#responses.set(data, response);
      return data;
    } catch (error) {
      if (signal?.aborted && !(error instanceof APIUserAbortError)) throw new APIUserAbortError({ cause: error });
      throw error;
    }
  }
}

/** A key equal for equal queries, whatever the order of their keys. */
function queryKey(query: unknown): string {
  return JSON.stringify(query, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([left], [right]) => (left < right ? -1 : 1)))
      : value,
  );
}
