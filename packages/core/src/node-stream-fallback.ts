import type { StreamFetch } from './node-stream.js';

export type { StreamFetch };

/** Where `node:http` is not there (browsers, and any runtime that does not resolve the `node` condition): always `undefined`, so callers use fetch. */
export function nodeStreamFetch(): StreamFetch | undefined {
  return undefined;
}
