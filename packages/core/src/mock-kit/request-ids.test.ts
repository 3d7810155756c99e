import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { REQUEST_ID_HEADER, RequestIds } from './request-ids.js';

describe('RequestIds', () => {
  it('hands out req_ + 24 hex ids, the same sequence for the same seed, another for another seed', () => {
    const ids = (seed: number) => {
      const source = new RequestIds({ seed });
      return [source.next(), source.next(), source.next()];
    };
    expect(ids(5)).toEqual(ids(5));
    expect(ids(5)).not.toEqual(ids(6));
    for (const id of ids(5)) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(new Set(ids(5)).size).toBe(3);
    expect(new RequestIds({ seed: 1, prefix: 'req-', length: 6 }).next()).toMatch(/^req-[0-9a-f]{6}$/);
  });

  it('draws from a stream of its own, not the data stream of the same seed', () => {
    const data = seededRandom(9);
    const hex = Array.from({ length: 24 }, () => Math.floor(data() * 16).toString(16)).join('');
    expect(new RequestIds({ seed: 9 }).next()).not.toBe(`req_${hex}`);
  });

  it('stamps a response that has no id, and keeps the one a mock set itself', () => {
    const ids = new RequestIds({ seed: 2 });
    const stamped = ids.stamp(Response.json({ ok: true }));
    expect(stamped.headers.get(REQUEST_ID_HEADER)).toMatch(/^req_/);
    const own = ids.stamp(new Response(null, { status: 204, headers: { 'x-request-id': 'req-000001' } }));
    expect(own.headers.get(REQUEST_ID_HEADER)).toBe('req-000001');
    expect(ids.count).toBe(1);
  });

  it('copies an answer whose headers are immutable (a redirect) and leaves network errors alone', async () => {
    const ids = new RequestIds({ seed: 2 });
    const redirect = ids.stamp(Response.redirect('https://storage.test/a.tar', 302));
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://storage.test/a.tar');
    expect(redirect.headers.get(REQUEST_ID_HEADER)).toMatch(/^req_/);
    const failure = Response.error();
    expect(ids.stamp(failure)).toBe(failure);
  });
});
