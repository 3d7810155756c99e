import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { IdempotencyReplay } from './idempotency-replay.js';

const URL_BASE = 'https://mock.trainwire.test';

function post(path: string, body: string, key?: string, header = 'Idempotency-Key') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers[header] = key;
  return new Request(`${URL_BASE}${path}`, { method: 'POST', body, headers });
}

/** A handler that counts its runs and answers with the run number. */
function counter(status = 201) {
  const seen: string[] = [];
  const handle = (text: string) => {
    seen.push(text);
    return HttpResponse.json({ run: seen.length }, { status, headers: { 'x-custom': 'kept', 'x-request-id': 'first-id' } });
  };
  return { seen, handle };
}

describe('IdempotencyReplay', () => {
  it('runs the handler for every request without a key, giving it the body text', async () => {
    const replay = new IdempotencyReplay();
    const { seen, handle } = counter();
    await replay.once(post('/runs', '{"a":1}'), handle);
    await replay.once(post('/runs', '{"a":1}'), handle);
    expect(seen).toEqual(['{"a":1}', '{"a":1}']);
    expect(replay.size).toBe(0);
  });

  it('replays the first answer (status, headers, bytes) to a repeat, without running the handler again', async () => {
    const replay = new IdempotencyReplay({ replayedHeader: 'Idempotent-Replayed' });
    const { seen, handle } = counter();
    const first = await replay.once(post('/runs', '{"a":1}', 'k1'), handle);
    const again = await replay.once(post('/runs', '{"a":1}', 'k1'), handle);
    expect(seen).toHaveLength(1);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(await first.json());
    expect(again.headers.get('x-custom')).toBe('kept');
    expect(again.headers.get('content-type')).toBe('application/json');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Each exchange gets its own request id from mockHttp; the first one's is not replayed.
    expect(again.headers.get('x-request-id')).toBeNull();
    const third = await replay.once(post('/runs', '{"a":1}', 'k1'), handle);
    expect(await third.json()).toEqual({ run: 1 });
  });

  it("answers a key reused for another body, path or query with the service's conflict", async () => {
    const replay = new IdempotencyReplay({ conflict: () => HttpResponse.json({ detail: 'reused' }, { status: 422 }) });
    const { seen, handle } = counter();
    await replay.once(post('/runs', '{"a":1}', 'k1'), handle);
    expect((await replay.once(post('/runs', '{"a":2}', 'k1'), handle)).status).toBe(422);
    expect((await replay.once(post('/other', '{"a":1}', 'k1'), handle)).status).toBe(422);
    expect((await replay.once(post('/runs?sync=true', '{"a":1}', 'k1'), handle)).status).toBe(422);
    expect(seen).toHaveLength(1);
  });

  it('can leave the query out of the comparison', async () => {
    const replay = new IdempotencyReplay({ compareQuery: false, conflict: () => new Response(null, { status: 422 }) });
    const { handle } = counter();
    await replay.once(post('/ingest', '{}', 'k'), handle);
    expect((await replay.once(post('/ingest?sync=true', '{}', 'k'), handle)).status).toBe(201);
  });

  it('without a conflict answer, replays whatever the repeat holds (Tinker)', async () => {
    const replay = new IdempotencyReplay({ header: 'x-idempotency-key' });
    const { seen, handle } = counter();
    await replay.once(post('/runs', '{"a":1}', 'k', 'X-Idempotency-Key'), handle);
    const again = await replay.once(post('/runs', '{"a":2}', 'k', 'X-Idempotency-Key'), handle);
    expect(await again.json()).toEqual({ run: 1 });
    expect(seen).toHaveLength(1);
  });

  it('keeps keys of different scopes apart', async () => {
    const replay = new IdempotencyReplay({ conflict: () => new Response(null, { status: 422 }) });
    const { seen, handle } = counter();
    await replay.once(post('/runs', '{}', 'k'), handle, 'tenant-a');
    const other = await replay.once(post('/runs', '{"b":1}', 'k'), handle, 'tenant-b');
    expect(other.status).toBe(201);
    expect(seen).toHaveLength(2);
  });

  it('keeps only the answers `keep` allows (by default not 5xx), so a retry after a server error runs again', async () => {
    const replay = new IdempotencyReplay();
    const failing = counter(503);
    await replay.once(post('/runs', '{}', 'k'), failing.handle);
    await replay.once(post('/runs', '{}', 'k'), failing.handle);
    expect(failing.seen).toHaveLength(2);
    const strict = new IdempotencyReplay({ keep: (status) => status < 300 });
    const refused = counter(409);
    await strict.once(post('/runs', '{}', 'k'), refused.handle);
    await strict.once(post('/runs', '{}', 'k'), refused.handle);
    expect(refused.seen).toHaveLength(2);
  });

  it('replays an empty answer as empty', async () => {
    const replay = new IdempotencyReplay();
    const handle = () => new HttpResponse(null, { status: 204 });
    await replay.once(post('/runs/1/cancel', '', 'k'), handle);
    const again = await replay.once(post('/runs/1/cancel', '', 'k'), handle);
    expect(again.status).toBe(204);
    expect(again.body).toBeNull();
  });

  it('forgets the oldest answers past its limit, and everything on clear()', async () => {
    const replay = new IdempotencyReplay({ limit: 2 });
    const { seen, handle } = counter();
    for (const key of ['k1', 'k2', 'k3']) await replay.once(post('/runs', '{}', key), handle);
    expect(replay.size).toBe(2);
    await replay.once(post('/runs', '{}', 'k1'), handle);
    expect(seen).toHaveLength(4);
    replay.clear();
    expect(replay.size).toBe(0);
  });
});
