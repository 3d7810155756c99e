import { InvalidRequestError } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { canonicalMetadata, clientEventId, stableHash } from './client-event-id.js';

describe('client event ids', () => {
  it('canonicalise metadata: sorted keys, scalar values only', () => {
    expect(canonicalMetadata({ split: 'train', rank: 0, ok: true, none: null })).toBe('{"none":null,"ok":true,"rank":0,"split":"train"}');
    expect(canonicalMetadata({})).toBe('');
    expect(canonicalMetadata(undefined)).toBe('');
    expect(() => canonicalMetadata({ x: Number.NaN })).toThrow(InvalidRequestError);
    expect(() => canonicalMetadata([] as never)).toThrow(/metadata/);
  });

  it('derive one id per (run, name, step, metadata)', () => {
    expect(clientEventId('mamba-run-001', 'loss', 1)).toBe('mamba-run-001/loss/1');
    expect(clientEventId('r', 'loss', 1, { a: 1, b: 2 })).toBe(clientEventId('r', 'loss', 1, { b: 2, a: 1 }));
    expect(clientEventId('r', 'loss', 1, { a: 1 })).not.toBe(clientEventId('r', 'loss', 1, { a: 2 }));
    expect(clientEventId('r', 'loss', null, undefined, 4)).toBe('r/loss/#4');
    expect(clientEventId('r', 'loss', null, { a: 1 }, 4, 'k3f9')).toBe(`r/loss/#k3f9.4/${stableHash('{"a":1}')}`);
  });

  it('hash to 16 stable hex digits', () => {
    expect(stableHash('{"split":"train"}')).toMatch(/^[0-9a-f]{16}$/);
    expect(stableHash('a')).toBe(stableHash('a'));
    const hashes = new Set(Array.from({ length: 10_000 }, (_, index) => stableHash(`{"shard":${index}}`)));
    expect(hashes.size).toBe(10_000);
  });
});
