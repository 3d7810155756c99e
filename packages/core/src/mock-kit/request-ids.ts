import { seededRandom } from '../seeded-random.js';
import { seededHex } from './seeded-ids.js';

/** The header every mock answer carries its request id in (core reads it into `APIError.requestId`). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Options of {@link RequestIds}. */
export interface RequestIdsOptions {
  /** The mock's seed: the same seed gives the same ids in the same order. */
  seed: number;
  /** @default 'req_' */
  prefix?: string;
  /** Random hex digits after the prefix. @default 24 */
  length?: number;
}

/**
 * The request ids of one mock: `req_` and 24 hex digits, drawn from a stream of their own (so
 * answering more or fewer requests never shifts the seeded data), deterministic under a seed.
 */
export class RequestIds {
  readonly #random: () => number;
  readonly #prefix: string;
  readonly #length: number;
  /** How many ids were handed out. */
  count = 0;

  constructor(options: RequestIdsOptions) {
    // Mixed with a constant so the stream differs from the data stream `seededRandom(seed)` of the same mock.
    this.#random = seededRandom(Math.imul(options.seed >>> 0, 0x9e3779b1) ^ 0x5eed1d);
    this.#prefix = options.prefix ?? 'req_';
    this.#length = options.length ?? 24;
  }

  /** The next id. */
  next(): string {
    this.count++;
    return this.#prefix + seededHex(this.#random, this.#length);
  }

  /**
   * `response` with an `x-request-id`: the one it already carries (a mock that puts the id in its
   * body too sets the header itself), else the next id. Network errors and msw passthroughs are left alone.
   */
  stamp(response: Response): Response {
    if (response.type === 'error' || response.headers.has(REQUEST_ID_HEADER) || response.headers.has('x-msw-intention')) return response;
    const id = this.next();
    try {
      response.headers.set(REQUEST_ID_HEADER, id);
      return response;
    } catch {
      // `Response.redirect()` and friends have immutable headers: copy the answer.
      const headers = new Headers(response.headers);
      headers.set(REQUEST_ID_HEADER, id);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
  }
}
