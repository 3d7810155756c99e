import { InvalidRequestError } from '@trainwire/core';
import type { Durability, DurabilityOptions, IngestorPort } from './metrics-ingestor-port.js';

/**
 * The ingestor's durability in a browser bundle (package.json `browser` swaps it in for
 * `metrics-ingestor-durability.ts`): no spool and no resumed series (both need Node.js, Bun or
 * Deno: a clear error at construction), and no exit hooks; a page being hidden starts a flush, best
 * effort (the page may be gone before it lands).
 */
export class IngestDurability implements Durability {
  readonly waiting = false;
  readonly opened = undefined;
  readonly #port: IngestorPort;

  constructor(port: IngestorPort, options: DurabilityOptions) {
    for (const name of ['spool', 'resume'] as const) if (options[name]) throw new InvalidRequestError(name, 'needs Node.js, Bun or Deno');
    this.#port = port;
    globalThis.addEventListener?.('visibilitychange', this.#hidden);
  }

  readonly #hidden = (): void => {
    if (globalThis.document?.visibilityState === 'hidden') void this.#port.flush().catch(() => undefined);
  };

  spoolQueued(): void {}

  release(): boolean {
    return false;
  }

  stepless(): void {}

  async checkpoint(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {
    globalThis.removeEventListener?.('visibilitychange', this.#hidden);
  }
}
