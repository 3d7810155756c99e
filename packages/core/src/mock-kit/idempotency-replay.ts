import { REQUEST_ID_HEADER } from './request-ids.js';

/** Options of {@link IdempotencyReplay}. */
export interface IdempotencyReplayOptions {
  /** The request header that carries the key. @default 'idempotency-key' */
  header?: string;
  /**
   * The service's answer to a key reused for a different request (method, path, query or body).
   * Without it, a repeated key replays the first answer whatever the new request holds (Tinker).
   */
  conflict?: (request: Request) => Response;
  /** Which answers are kept for replay. @default status < 500 (a server error may be retried for real) */
  keep?: (status: number) => boolean;
  /** Whether the query string is part of "the same request". @default true */
  compareQuery?: boolean;
  /** A header set to `true` on a replayed answer (Stripe's `Idempotent-Replayed`). @default none */
  replayedHeader?: string;
  /** Answers kept at most; the oldest goes first. @default 10000 */
  limit?: number;
}

interface Kept {
  fingerprint: string;
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

/**
 * Idempotency-key replay for a mock's writes: the first answer to a key is kept (status, headers,
 * bytes) and a repeat of the same request gets it again without the handler running; the same key
 * with a different request gets the service's conflict answer. Requests are compared by method,
 * path, query and a SHA-256 of the body, so a large body is not held.
 */
export class IdempotencyReplay {
  readonly #kept = new Map<string, Kept>();
  readonly #options: IdempotencyReplayOptions;
  readonly #header: string;
  readonly #keep: (status: number) => boolean;
  readonly #limit: number;

  constructor(options: IdempotencyReplayOptions = {}) {
    this.#options = options;
    this.#header = options.header ?? 'idempotency-key';
    this.#keep = options.keep ?? ((status) => status < 500);
    this.#limit = options.limit ?? 10_000;
  }

  /** How many answers are kept. */
  get size(): number {
    return this.#kept.size;
  }

  /** Forget every kept answer. */
  clear(): void {
    this.#kept.clear();
  }

  /**
   * Answer `request` once per key: `handle` gets the body text and runs only for a new key (or
   * no key). `scope` separates keys that the service keeps apart (a tenant, `METHOD /path`).
   */
  async once(request: Request, handle: (text: string) => Response | Promise<Response>, scope = ''): Promise<Response> {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const key = request.headers.get(this.#header);
    if (!key) return handle(decoder.decode(bytes));
    const slot = `${scope}\u0000${key}`;
    const url = new URL(request.url);
    const fingerprint = `${request.method} ${url.pathname}${this.#options.compareQuery === false ? '' : url.search} ${await digest(bytes)}`;
    const known = this.#kept.get(slot);
    if (known) {
      if (known.fingerprint !== fingerprint && this.#options.conflict) return this.#options.conflict(request);
      return this.#replay(known);
    }
    const response = await handle(decoder.decode(bytes));
    if (this.#keep(response.status)) {
      const headers = [...response.headers].filter(([name]) => name !== REQUEST_ID_HEADER);
      const body = response.body === null ? null : await response.clone().arrayBuffer();
      this.#kept.set(slot, { fingerprint, status: response.status, statusText: response.statusText, headers, body });
      if (this.#kept.size > this.#limit) this.#kept.delete(this.#kept.keys().next().value as string);
    }
    return response;
  }

  #replay(kept: Kept): Response {
    const headers = new Headers(kept.headers);
    if (this.#options.replayedHeader) headers.set(this.#options.replayedHeader, 'true');
    return new Response(kept.body?.slice(0), { status: kept.status, statusText: kept.statusText, headers });
  }
}

const decoder = new TextDecoder();

/** A short SHA-256 of a body (Web Crypto: Node, Deno, Bun and browsers). */
async function digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let text = '';
  for (const byte of hash.subarray(0, 16)) text += byte.toString(16).padStart(2, '0');
  return text;
}
