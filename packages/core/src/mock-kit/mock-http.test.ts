import { getResponse, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mockHttp } from './mock-http.js';
import { REQUEST_ID_HEADER, RequestIds } from './request-ids.js';

const BASE = 'https://mock.trainwire.test';

function handlers(seed: number) {
  const http = mockHttp(new RequestIds({ seed }));
  return [
    http.all(`${BASE}/*`, ({ request }) =>
      request.headers.get('x-api-key') === 'k' ? undefined : HttpResponse.json({ detail: 'no' }, { status: 401 }),
    ),
    http.get(`${BASE}/runs/:id`, ({ params }) => HttpResponse.json({ id: params.id })),
    http.delete(`${BASE}/runs/:id`, () => new HttpResponse(null, { status: 204 })),
    http.post(`${BASE}/runs`, () => HttpResponse.json({ ok: true }, { status: 201, headers: { 'x-request-id': 'own-1' } })),
  ];
}
const send = (list: ReturnType<typeof handlers>, method: string, path: string, key = 'k') =>
  getResponse(list, new Request(`${BASE}${path}`, { method, headers: { 'x-api-key': key } }));

describe('mockHttp', () => {
  it('puts an x-request-id on every answer, errors and empty bodies included', async () => {
    const list = handlers(1);
    const answers = [
      await send(list, 'GET', '/runs/r1'),
      await send(list, 'DELETE', '/runs/r1'),
      await send(list, 'GET', '/runs/r1', 'bad'),
    ];
    expect(answers.map((response) => response?.status)).toEqual([200, 204, 401]);
    const ids = answers.map((response) => response?.headers.get(REQUEST_ID_HEADER));
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(3);
    expect(await answers[0]?.json()).toEqual({ id: 'r1' });
  });

  it('spends no id on a handler that lets the next one answer, and keeps an id the resolver set', async () => {
    const once = handlers(4);
    const first = await send(once, 'GET', '/runs/a');
    expect(first?.headers.get(REQUEST_ID_HEADER)).toBe(new RequestIds({ seed: 4 }).next());
    expect((await send(once, 'POST', '/runs'))?.headers.get(REQUEST_ID_HEADER)).toBe('own-1');
  });

  it('gives the same ids in the same order for the same seed', async () => {
    const ids = async (seed: number) => {
      const list = handlers(seed);
      return [
        (await send(list, 'GET', '/runs/a'))?.headers.get(REQUEST_ID_HEADER),
        (await send(list, 'GET', '/runs/b'))?.headers.get(REQUEST_ID_HEADER),
      ];
    };
    expect(await ids(3)).toEqual(await ids(3));
    expect(await ids(3)).not.toEqual(await ids(30));
  });

  it('leaves a request no handler answers unhandled', async () => {
    expect(await send(handlers(1), 'PUT', '/elsewhere')).toBeUndefined();
    expect(await getResponse(handlers(1), new Request('https://other.test/runs/a'))).toBeUndefined();
  });
});
