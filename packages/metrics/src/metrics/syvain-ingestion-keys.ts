import { registerSecret } from '@trainwire/core';

/** An ingestion key minted for one experiment: its id, its secret, when it expires. */
export interface IngestionCredential {
  keyId: string;
  secret: string;
  /** Epoch milliseconds, or undefined when the key does not expire. */
  expiresAt: number | undefined;
}

// Re-mint a little before the server would refuse the key.
const EXPIRY_MARGIN = 30_000;

/**
 * The ingestion keys a client minted, one per experiment. Concurrent callers share one mint; a
 * rejected key is dropped only by the first caller that saw it rejected, so N batches refused at
 * once cause one re-mint, not N.
 */
export class IngestionKeyCache {
  readonly #entries = new Map<string, { pending: Promise<IngestionCredential>; value?: IngestionCredential }>();

  /** The cached key of `experimentId`, minting one with `mint` when there is none (or it expired). */
  get(experimentId: string, mint: () => Promise<IngestionCredential>): Promise<IngestionCredential> {
    const entry = this.#entries.get(experimentId);
    const expired = entry?.value?.expiresAt !== undefined && entry.value.expiresAt - EXPIRY_MARGIN <= Date.now();
    if (entry && !expired) return entry.pending;
    const fresh: { pending: Promise<IngestionCredential>; value?: IngestionCredential } = {
      pending: mint().then((credential) => {
        registerSecret(credential.secret);
        fresh.value = credential;
        return credential;
      }),
    };
    fresh.pending.catch(() => {
      if (this.#entries.get(experimentId) === fresh) this.#entries.delete(experimentId);
    });
    this.#entries.set(experimentId, fresh);
    return fresh.pending;
  }

  /** Drop `credential` after the server refused it, unless another caller already replaced it. */
  reject(experimentId: string, credential: IngestionCredential): void {
    if (this.#entries.get(experimentId)?.value?.secret === credential.secret) this.#entries.delete(experimentId);
  }

  /** Drop the cached key of `experimentId`; true when there was one. */
  forget(experimentId: string): boolean {
    return this.#entries.delete(experimentId);
  }

  /** Drop the cached key with id `keyId` (it was revoked). */
  forgetKey(experimentId: string, keyId: string): void {
    if (this.#entries.get(experimentId)?.value?.keyId === keyId) this.#entries.delete(experimentId);
  }
}
