import { requestIdFrom } from './request-id.js';
import { TrainwireError } from './trainwire-error.js';

/** A call's data with the HTTP response that carried it. */
export interface WithResponse<T> {
  data: T;
  /** The final response (after retries); its body is already read into `data`. */
  response: Response;
  /** The server's id of the request (`x-request-id`), for support tickets and logs. */
  requestId: string | undefined;
}

/** What an {@link APIPromise} runs: `raw` asks for the response with its body unread (no parsing, no validation). */
export type Exchange = (raw: boolean) => Promise<{ data: unknown; response: Response }>;

/** One request shared by an {@link APIPromise} and those `map` derives from it. */
interface Call {
  exchange: Exchange;
  started?: Promise<{ data: unknown; response: Response }>;
  raw?: boolean;
}

const unchanged = <T>(data: unknown): T => data as T;
const settleAtOnce = (resolve: (value: never) => void): void => resolve(undefined as never);
const ignore = (): void => {};

function start(call: Call, raw: boolean): Promise<{ data: unknown; response: Response }> {
  if (!call.started) {
    call.raw = raw;
    try {
      call.started = call.exchange(raw);
    } catch (error) {
      call.started = Promise.reject(error);
    }
  }
  return call.started;
}

/**
 * What every client method returns: a `Promise<T>` (await it for the data) that also offers the
 * raw HTTP response, as openai-node's does. The request starts at once (in the next microtask),
 * so `.asResponse()` called right away, as in `await client.getX().asResponse()`, gets the
 * response with its body unread.
 */
export class APIPromise<T> extends Promise<T> {
  readonly #call: Call;
  readonly #map: (data: unknown, response: Response) => T | PromiseLike<T>;
  #mapped: Promise<{ data: T; response: Response }> | undefined;
  #data: Promise<WithResponse<T>> | undefined;

  /** `exchange` sends the request once; `map` turns its data into this promise's value. */
  constructor(exchange: Exchange | Call, map: (data: unknown, response: Response) => T | PromiseLike<T> = unchanged) {
    // Settled at once and never used: then/catch/finally below read the call instead.
    super(settleAtOnce);
    const call = typeof exchange === 'function' ? { exchange } : exchange;
    this.#call = call;
    this.#map = map;
    queueMicrotask(() => {
      // A failure surfaces where the caller awaits; nobody awaiting is not an unhandled rejection here.
      start(call, false).catch(ignore);
    });
  }

  /** The same request with its data transformed (the response and request id stay those of the request). */
  map<U>(transform: (data: T, response: Response) => U | PromiseLike<U>): APIPromise<U> {
    return new APIPromise<U>(this.#call, async (data, response) => transform(await this.#map(data, response), response));
  }

  /** The data (mapped once, however often it is awaited) with the final response. */
  #result(): Promise<{ data: T; response: Response }> {
    this.#mapped ??= start(this.#call, false).then((result) => {
      if (this.#call.raw) throw new TrainwireError('asResponse() was called first: the response body is yours to read.');
      if (this.#map === unchanged) return result as { data: T; response: Response };
      const { data, response } = result;
      return Promise.resolve(this.#map(data, response)).then((mapped) => ({ data: mapped, response }));
    });
    return this.#mapped;
  }

  /** The data, the final `Response` (body read) and the server's request id. */
  withResponse(): Promise<WithResponse<T>> {
    this.#data ??= this.#result().then(({ data, response }) => ({ data, response, requestId: requestIdFrom(response.headers) }));
    return this.#data;
  }

  /**
   * The final 2xx `Response` (a non-2xx still throws its `APIError`). Its body is unread when this
   * is called before the request started, as in `await client.getX().asResponse()`; otherwise the
   * body was already read for the data.
   */
  asResponse(): Promise<Response> {
    return start(this.#call, true).then(({ response }) => response);
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass overrides then by design.
  override then<Fulfilled = T, Rejected = never>(
    onfulfilled?: ((value: T) => Fulfilled | PromiseLike<Fulfilled>) | null,
    // biome-ignore lint/suspicious/noExplicitAny: the reason type of Promise#then
    onrejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    // Straight from the data: no request id is looked up for a plain `await`.
    return this.#result().then(onfulfilled ? ({ data }) => onfulfilled(data) : ({ data }) => data as unknown as Fulfilled, onrejected);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the reason type of Promise#catch
  override catch<Rejected = never>(onrejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null): Promise<T | Rejected> {
    return this.then(undefined, onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }

  /** `build()`, or an APIPromise rejected with what it threw (so bad arguments reject, as from an async method). */
  static try<T>(build: () => APIPromise<T>): APIPromise<T> {
    try {
      return build();
    } catch (error) {
      return new APIPromise<T>(() => Promise.reject(error));
    }
  }

  /**
   * The APIPromise `build` makes once `ready` resolves (a client that reads its key from a file
   * first, say), with its response passed through; `mapError` rewrites any failure.
   */
  static after<Ready, T>(
    ready: () => Promise<Ready>,
    build: (value: Ready) => APIPromise<T>,
    mapError: (error: unknown) => unknown = (error) => error,
  ): APIPromise<T> {
    return new APIPromise<T>(async (raw) => {
      try {
        const inner = build(await ready());
        return raw ? { data: undefined, response: await inner.asResponse() } : await inner.withResponse();
      } catch (error) {
        throw mapError(error);
      }
    });
  }

  /** An APIPromise of work that makes its request(s) itself: `work` returns the data and the response to expose. */
  static from<T>(work: () => Promise<WithResponse<T> | { data: T; response: Response }>): APIPromise<T> {
    return new APIPromise<T>(() => work());
  }
}
