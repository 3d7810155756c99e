import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { seededHex, seededToken, seededUuid } from './seeded-ids.js';

describe('seeded ids', () => {
  it('draws the same ids for the same seed and other ones for another seed', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return [seededUuid(random), seededToken(random, 12), seededHex(random, 8)];
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)[0]).not.toBe(draw(8)[0]);
  });

  it('makes version-4-shaped UUIDs, with every variant in use', () => {
    const random = seededRandom(1);
    const ids = Array.from({ length: 200 }, () => seededUuid(random));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(['8', '9', 'a', 'b']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes tokens of the length and alphabet asked for', () => {
    const random = seededRandom(3);
    expect(seededToken(random, 40)).toMatch(/^[a-z0-9]{40}$/);
    expect(seededToken(random, 16, 'AB')).toMatch(/^[AB]{16}$/);
    expect(seededHex(random, 5)).toMatch(/^[0-9a-f]{5}$/);
    expect(seededToken(random, 0)).toBe('');
  });
});
