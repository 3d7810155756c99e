import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failedBeforeSend } from './connection-error.js';
import { APIConnectionError, APITimeoutError, APIUserAbortError } from './errors.js';
import type { Logger } from './logger.js';
import type { Fetch } from './request-options.js';
import { type RetryContext, withRetry } from './retry.js';

const URL = 'https://api.example.com/v1/runs';
const BODY = '{"name":"run-1","steps":[1,2,3]}';
const KEY = 'idem-5f2c9a';

/** Answers one request; the last reply of a script repeats. */
type Reply = (request: Request) => Response | Promise<Response>;

interface Sent {
  method: string;
  url: string;
  key: string | null;
  body: string;
  at: number;
  signal: AbortSignal;
}

/** An injected fetch that records every request it gets and answers from `script`. */
function scriptedFetch(...script: Reply[]): { fetch: Fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: Fetch = async (input, init) => {
    // Like the real fetch: the Request it works on is built from both arguments.
    const request = new Request(input, init);
    const at = Date.now();
    const reply = script[Math.min(sent.length, script.length - 1)] as Reply;
    sent.push({
      method: request.method,
      url: request.url,
      key: request.headers.get('idempotency-key'),
      body: '',
      at,
      signal: request.signal,
    });
    (sent.at(-1) as Sent).body = await request.text();
    return reply(request);
  };
  return { fetch, sent };
}

const respond =
  (status: number, headers: Record<string, string> = {}, body: string | null = `{"status":${status}}`): Reply =>
  () =>
    new Response(body, { status, headers });

const networkError =
  (code: string): Reply =>
  () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`read ${code}`), { code }) });
  };

/** Settles only when the attempt's signal aborts, like a server that never answers. */
const hang: Reply = (request) =>
  new Promise((_resolve, reject) => {
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
  });

/** A 200 whose body sends `first`, then fails (or, with `stall`, never sends anything more). */
const brokenBody =
  (options: { stall?: boolean } = {}): Reply =>
  () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"items":[1,2,'));
        },
        pull(controller) {
          if (!options.stall) controller.error(new TypeError('terminated'));
          return new Promise(() => {});
        },
      }),
      { status: 200 },
    );

function makeRequest(method: 'GET' | 'POST', key?: string, init: RequestInit = {}): Request {
  const headers: Record<string, string> = { authorization: 'Bearer sk-secret-token-0123456789' };
  if (key) headers['Idempotency-Key'] = key;
  return new Request(URL, { method, headers, body: method === 'POST' ? BODY : undefined, ...init });
}

function makeContext(overrides: Partial<RetryContext> = {}): RetryContext {
  return { maxRetries: 2, timeout: 1000, idempotent: false, idempotencyHeader: 'Idempotency-Key', attempts: 0, ...overrides };
}

/** Run one call to the end on the fake clock. */
async function settle(promise: Promise<Response>): Promise<{ response?: Response; error?: unknown }> {
  let done = false;
  const result = promise.then(
    (response) => ({ response }),
    (error: unknown) => ({ error }),
  );
  void result.finally(() => {
    done = true;
  });
  for (let round = 0; round < 50 && !done; round += 1) await vi.runAllTimersAsync();
  return result;
}

const gapsBetween = (sent: Sent[]): number[] => sent.slice(1).map((attempt, index) => attempt.at - (sent[index] as Sent).at);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  vi.spyOn(Math, 'random').mockReturnValue(0); // jitter factor 1: backoff is exactly 500 ms, then 1000 ms
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('withRetry: the matrix', () => {
  const methods = [
    { who: 'GET', method: 'GET', idempotent: true, key: undefined, safe: true },
    { who: 'POST with Idempotency-Key', method: 'POST', idempotent: false, key: KEY, safe: true },
    { who: 'POST without key', method: 'POST', idempotent: false, key: undefined, safe: false },
  ] as const;

  // retried: 'always' = whatever the method; 'if-safe' = GET or keyed POST only; 'never'.
  const scenarios: { what: string; reply: Reply; retried: 'always' | 'if-safe' | 'never'; gaps: number[]; outcome: number | string }[] = [
    { what: 'connection reset', reply: networkError('ECONNRESET'), retried: 'if-safe', gaps: [500, 1000], outcome: 'APIConnectionError' },
    {
      what: 'connection refused',
      reply: networkError('ECONNREFUSED'),
      retried: 'always',
      gaps: [500, 1000],
      outcome: 'APIConnectionError',
    },
    { what: 'attempt timeout', reply: hang, retried: 'if-safe', gaps: [1000 + 500, 1000 + 1000], outcome: 'APITimeoutError' },
    { what: '408', reply: respond(408), retried: 'if-safe', gaps: [500, 1000], outcome: 408 },
    { what: '409', reply: respond(409), retried: 'if-safe', gaps: [500, 1000], outcome: 409 },
    {
      what: '429 retry-after-ms: 1500.5',
      reply: respond(429, { 'retry-after-ms': '1500.5' }),
      retried: 'if-safe',
      gaps: [1501, 1501],
      outcome: 429,
    },
    { what: '429 Retry-After: 2', reply: respond(429, { 'retry-after': '2' }), retried: 'if-safe', gaps: [2000, 2000], outcome: 429 },
    {
      what: '429 Retry-After: <HTTP-date 5 s ahead>',
      reply: () => respond(429, { 'retry-after': new Date(Date.now() + 5000).toUTCString() })(new Request(URL)),
      retried: 'if-safe',
      gaps: [5000, 5000],
      outcome: 429,
    },
    {
      what: '429 Retry-After: 3600 (clamped)',
      reply: respond(429, { 'retry-after': '3600' }),
      retried: 'if-safe',
      gaps: [60_000, 60_000],
      outcome: 429,
    },
    { what: '500', reply: respond(500), retried: 'if-safe', gaps: [500, 1000], outcome: 500 },
    { what: '503', reply: respond(503), retried: 'if-safe', gaps: [500, 1000], outcome: 503 },
    { what: '503 x-should-retry: false', reply: respond(503, { 'x-should-retry': 'false' }), retried: 'never', gaps: [], outcome: 503 },
    { what: '400', reply: respond(400), retried: 'never', gaps: [], outcome: 400 },
  ];

  const table = methods.flatMap((method) =>
    scenarios.map((scenario) => {
      const retried = scenario.retried === 'always' || (scenario.retried === 'if-safe' && method.safe);
      return { ...method, ...scenario, attempts: retried ? 3 : 1, expectedGaps: retried ? scenario.gaps : [] };
    }),
  );

  it.each(table)('$who × $what → $attempts attempt(s), then $outcome', async (row) => {
    const { fetch, sent } = scriptedFetch(row.reply);
    const context = makeContext({ idempotent: row.idempotent });
    const { response, error } = await settle(withRetry(fetch, context)(makeRequest(row.method, row.key)));

    expect(sent).toHaveLength(row.attempts);
    expect(context.attempts).toBe(row.attempts);
    expect(gapsBetween(sent)).toEqual(row.expectedGaps);
    for (const attempt of sent) {
      expect(attempt).toMatchObject({ method: row.method, url: URL, key: row.key ?? null, body: row.method === 'POST' ? BODY : '' });
    }
    if (typeof row.outcome === 'number') {
      expect(error).toBeUndefined();
      expect(response?.status).toBe(row.outcome);
      expect(await response?.text()).toBe(`{"status":${row.outcome}}`);
    } else {
      expect(response).toBeUndefined();
      expect(error).toBeInstanceOf(APIConnectionError);
      expect((error as APIConnectionError).name).toBe(row.outcome);
      expect((error as APIConnectionError).attempts).toBe(row.attempts);
    }
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('withRetry', () => {
  it.each([400, 503])('retries a POST without key when the server says x-should-retry: true (%i)', async (status) => {
    const { fetch, sent } = scriptedFetch(respond(status, { 'x-should-retry': 'true' }));
    const { response } = await settle(withRetry(fetch, makeContext())(makeRequest('POST')));
    expect(sent).toHaveLength(3);
    expect(gapsBetween(sent)).toEqual([500, 1000]);
    expect(response?.status).toBe(status);
  });

  it('does not retry a 2xx even with x-should-retry: true', async () => {
    const { fetch, sent } = scriptedFetch(respond(200, { 'x-should-retry': 'true' }));
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true }))(makeRequest('GET')));
    expect(sent).toHaveLength(1);
    expect(response?.status).toBe(200);
  });

  it.each([
    { what: '503', reply: respond(503) },
    { what: 'connection reset', reply: networkError('ECONNRESET') },
  ])('makes one attempt with maxRetries: 0 ($what)', async ({ reply }) => {
    const { fetch, sent } = scriptedFetch(reply);
    const context = makeContext({ idempotent: true, maxRetries: 0 });
    await settle(withRetry(fetch, context)(makeRequest('GET')));
    expect(sent).toHaveLength(1);
    expect(context.attempts).toBe(1);
  });

  it('retries with a longer budget: maxRetries: 4 waits 500, 1000, 2000, 4000 ms', async () => {
    const { fetch, sent } = scriptedFetch(respond(500));
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true, maxRetries: 4 }))(makeRequest('GET')));
    expect(gapsBetween(sent)).toEqual([500, 1000, 2000, 4000]);
    expect(response?.status).toBe(500);
  });

  it('stops retrying once an attempt succeeds, and returns that response', async () => {
    const { fetch, sent } = scriptedFetch(respond(503), networkError('ECONNRESET'), respond(201, {}, '{"id":7}'));
    const { response } = await settle(withRetry(fetch, makeContext())(makeRequest('POST', KEY)));
    expect(sent).toHaveLength(3);
    expect(response?.status).toBe(201);
    expect(await response?.json()).toEqual({ id: 7 });
  });

  it("sends clones and leaves the caller's Request unread", async () => {
    const { fetch, sent } = scriptedFetch(respond(503), respond(200));
    const request = makeRequest('POST', KEY);
    await settle(withRetry(fetch, makeContext())(request));
    expect(sent.map((attempt) => attempt.body)).toEqual([BODY, BODY]);
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe(BODY);
  });

  it('keeps the response url on a buffered response', async () => {
    const fetch: Fetch = async () => {
      const response = new Response('{}', { status: 200 });
      Object.defineProperty(response, 'url', { value: `${URL}/final` });
      return response;
    };
    const { response } = await settle(withRetry(fetch, makeContext())(makeRequest('GET')));
    expect(response?.url).toBe(`${URL}/final`);
  });
});

describe('withRetry: the caller aborts', () => {
  it('before the call: no attempt', async () => {
    const { fetch, sent } = scriptedFetch(respond(200));
    const controller = new AbortController();
    const reason = new Error('user went away');
    controller.abort(reason);
    const context = makeContext({ idempotent: true, signal: controller.signal });
    const { error } = await settle(withRetry(fetch, context)(makeRequest('GET')));
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as APIUserAbortError).cause).toBe(reason);
    expect(sent).toHaveLength(0);
    expect(context.attempts).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    { who: 'GET', method: 'GET', idempotent: true },
    { who: 'POST without key', method: 'POST', idempotent: false },
  ] as const)('during an attempt: the attempt is aborted and not retried ($who)', async ({ method, idempotent }) => {
    const { fetch, sent } = scriptedFetch(hang);
    const controller = new AbortController();
    const reason = new Error('user went away');
    const context = makeContext({ idempotent, signal: controller.signal });
    const outcome = withRetry(fetch, context)(makeRequest(method)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(300);
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1); // the 1000 ms attempt timeout
    controller.abort(reason);
    const error = await outcome;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as APIUserAbortError).cause).toBe(reason);
    expect(sent[0]?.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(1);
    expect(context.attempts).toBe(1);
  });

  it('during a backoff wait: no further attempt', async () => {
    const { fetch, sent } = scriptedFetch(respond(503));
    const controller = new AbortController();
    const context = makeContext({ idempotent: true, signal: controller.signal });
    const outcome = withRetry(fetch, context)(makeRequest('GET')).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1); // the 500 ms wait
    controller.abort('stop');
    const error = await outcome;
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as APIUserAbortError).cause).toBe('stop');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(1);
  });

  it('through the signal on the Request itself', async () => {
    const { fetch, sent } = scriptedFetch(respond(503));
    const controller = new AbortController();
    const outcome = withRetry(
      fetch,
      makeContext({ idempotent: true }),
    )(makeRequest('GET', undefined, { signal: controller.signal })).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(200);
    controller.abort();
    expect(await outcome).toBeInstanceOf(APIUserAbortError);
    expect(sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('withRetry: totalTimeout', () => {
  it('gives up retrying when the next wait would end past the deadline', async () => {
    const { fetch, sent } = scriptedFetch(respond(503));
    const context = makeContext({ idempotent: true, totalTimeout: 1200 });
    const { response } = await settle(withRetry(fetch, context)(makeRequest('GET')));
    // Attempt 1 at 0 ms, wait 500 → attempt 2 at 500 ms; a 1000 ms wait would end at 1500 > 1200.
    expect(gapsBetween(sent)).toEqual([500]);
    expect(response?.status).toBe(503);
    expect(context.attempts).toBe(2);
  });

  it('aborts an attempt that runs into the deadline, and does not retry it', async () => {
    const { fetch, sent } = scriptedFetch(hang);
    const context = makeContext({ idempotent: true, timeout: 1000, totalTimeout: 2000 });
    const { error } = await settle(withRetry(fetch, context)(makeRequest('GET')));
    // Attempt 1 times out at 1000 ms, waits 500; attempt 2 starts at 1500 and is cut at 2000.
    expect(gapsBetween(sent)).toEqual([1500]);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect((error as APITimeoutError).message).toBe('Request timed out: the total deadline of 2000 ms passed.');
    expect((error as APITimeoutError).attempts).toBe(2);
    expect(Date.now() - new Date('2026-01-01T00:00:00Z').getTime()).toBe(2000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('applies without a per-attempt timeout', async () => {
    const { fetch, sent } = scriptedFetch(hang);
    const { error } = await settle(
      withRetry(fetch, makeContext({ idempotent: true, timeout: undefined, totalTimeout: 1500 }))(makeRequest('GET')),
    );
    expect(sent).toHaveLength(1);
    expect((error as Error).message).toBe('Request timed out: the total deadline of 1500 ms passed.');
    expect(Date.now() - new Date('2026-01-01T00:00:00Z').getTime()).toBe(1500);
  });

  it('says how long a single attempt ran when the per-attempt timeout fired', async () => {
    const { fetch } = scriptedFetch(hang);
    const { error } = await settle(withRetry(fetch, makeContext({ timeout: 750 }))(makeRequest('POST')));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect((error as Error).message).toBe('Request timed out after 750 ms.');
  });
});

describe('withRetry: response bodies', () => {
  it.each([
    { who: 'GET', method: 'GET', idempotent: true, attempts: 2, gaps: [500] },
    { who: 'POST without key', method: 'POST', idempotent: false, attempts: 1, gaps: [] },
  ] as const)('a body cut mid-way fails the attempt: $who → $attempts attempt(s)', async (row) => {
    const { fetch, sent } = scriptedFetch(brokenBody(), respond(200, {}, '{"items":[1,2,3]}'));
    const { response, error } = await settle(withRetry(fetch, makeContext({ idempotent: row.idempotent }))(makeRequest(row.method)));
    expect(sent).toHaveLength(row.attempts);
    expect(gapsBetween(sent)).toEqual(row.gaps);
    if (row.attempts === 2) {
      expect(await response?.json()).toEqual({ items: [1, 2, 3] });
    } else {
      expect(error).toBeInstanceOf(APIConnectionError);
      expect((error as Error).name).toBe('APIConnectionError');
      expect((error as Error).message).toBe('Connection error while reading the response body.');
      expect(((error as Error).cause as Error).message).toBe('terminated');
    }
  });

  it('a body that stalls past the attempt timeout is an attempt timeout', async () => {
    const { fetch, sent } = scriptedFetch(brokenBody({ stall: true }), respond(200, {}, '{"ok":true}'));
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true }))(makeRequest('GET')));
    expect(gapsBetween(sent)).toEqual([1500]);
    expect(await response?.json()).toEqual({ ok: true });
  });

  it('cancels the body of a response that will be retried, and returns the last one untouched', async () => {
    const cancelled: unknown[] = [];
    const observed: Reply = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"error":"overloaded"}'));
          },
          cancel(reason) {
            cancelled.push(reason);
          },
        }),
        { status: 503 },
      );
    const { fetch, sent } = scriptedFetch(observed, observed, respond(200, {}, '{"done":true}'));
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true }))(makeRequest('GET')));
    expect(sent).toHaveLength(3);
    expect(cancelled).toHaveLength(2);
    expect(await response?.json()).toEqual({ done: true });
  });

  it('returns a final error response with its body intact', async () => {
    const { fetch } = scriptedFetch(respond(503, {}, '{"error":"overloaded"}'));
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true }))(makeRequest('GET')));
    expect(await response?.json()).toEqual({ error: 'overloaded' });
  });

  it('with bufferResponse: false, returns at the headers: the timeout does not cover the body', async () => {
    let push: ((text: string) => void) | undefined;
    const fetch: Fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            push = (text) => controller.enqueue(new TextEncoder().encode(text));
          },
        }),
        { status: 200 },
      );
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true, bufferResponse: false }))(makeRequest('GET')));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    push?.('late chunk');
    const reader = (response as Response).body?.getReader();
    if (!reader) throw new Error('the response has no body');
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('late chunk');
  });

  it('with bufferResponse: false, a truncated body is not retried here', async () => {
    const { fetch, sent } = scriptedFetch(brokenBody());
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true, bufferResponse: false }))(makeRequest('GET')));
    expect(sent).toHaveLength(1);
    await expect(response?.text()).rejects.toThrow('terminated');
  });
});

describe('withRetry: streaming request bodies', () => {
  it('sends a one-shot body exactly once, even with a key and a 503', async () => {
    const { fetch, sent } = scriptedFetch(respond(503));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(BODY));
        controller.close();
      },
    });
    const request = makeRequest('POST', KEY, { body: stream, duplex: 'half' } as RequestInit);
    const context = makeContext({ streamingBody: true });
    const { response } = await settle(withRetry(fetch, context)(request));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toBe(BODY);
    expect(context.attempts).toBe(1);
    // Sent as is: a clone would tee the stream and hold the whole upload in memory.
    expect(request.bodyUsed).toBe(true);
    expect(response?.status).toBe(503);
  });
});

describe('withRetry: logging', () => {
  it('logs each attempt at debug and each retry at info, never headers or the query', async () => {
    const lines: [string, string, Record<string, unknown> | undefined][] = [];
    const logger: Logger = {
      debug: (message, fields) => lines.push(['debug', message, fields]),
      info: (message, fields) => lines.push(['info', message, fields]),
      warn: (message, fields) => lines.push(['warn', message, fields]),
      error: (message, fields) => lines.push(['error', message, fields]),
    };
    vi.mocked(Math.random).mockReturnValue(0.1); // jitter 0.975: 488 ms, then 975 ms
    const { fetch } = scriptedFetch(respond(503), networkError('ECONNRESET'), respond(200));
    const request = makeRequest('POST', KEY, { method: 'POST' });
    const withQuery = new Request(`${URL}?signature=presigned-abc`, request);
    await settle(withRetry(fetch, makeContext({ logger }))(withQuery));

    expect(lines.filter(([level]) => level === 'info').map(([, message]) => message)).toEqual([
      `Retrying POST ${URL} in 488 ms (attempt 2 of 3): 503`,
      `Retrying POST ${URL} in 975 ms (attempt 3 of 3): ECONNRESET`,
    ]);
    expect(lines.filter(([level]) => level === 'debug').map(([, , fields]) => fields)).toEqual([
      { method: 'POST', url: URL, attempt: 1, status: 503, ms: 0 },
      { method: 'POST', url: URL, attempt: 2, error: 'ECONNRESET', ms: 0 },
      { method: 'POST', url: URL, attempt: 3, status: 200, ms: 0 },
    ]);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain('sk-secret-token');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain('presigned-abc');
  });
});

describe('withRetry: conflicts and waits', () => {
  it('never retries a status the service declares a conflict, and retries it otherwise (a lock timeout)', async () => {
    for (const [conflictStatuses, attempts] of [
      [[409], 1],
      [undefined, 3],
    ] as const) {
      const { fetch, sent } = scriptedFetch(respond(409));
      const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true, conflictStatuses }))(makeRequest('GET')));
      expect(response?.status).toBe(409);
      expect(sent).toHaveLength(attempts);
    }
  });

  it('tells onWait and the logger of each wait, and why: a 503 with Retry-After: 30 waits 30 s', async () => {
    const waits: unknown[] = [];
    const info: string[] = [];
    const logger: Logger = { debug: () => {}, info: (line) => info.push(line), warn: () => {}, error: () => {} };
    vi.mocked(Math.random).mockReturnValue(0);
    const { fetch, sent } = scriptedFetch(respond(503, { 'retry-after': '30' }), networkError('ECONNRESET'), respond(200));
    const context = makeContext({ idempotent: true, logger, onWait: (wait) => waits.push(wait) });
    const { response } = await settle(withRetry(fetch, context)(makeRequest('GET')));
    expect(response?.status).toBe(200);
    expect(gapsBetween(sent)).toEqual([30_000, 1000]);
    expect(waits).toEqual([
      { type: 'wait', target: `GET ${URL}`, delay: 30_000, retryAfter: true, status: 503, reason: '503', attempt: 2, maxAttempts: 3 },
      {
        type: 'wait',
        target: `GET ${URL}`,
        delay: 1000,
        retryAfter: false,
        status: undefined,
        reason: 'ECONNRESET',
        attempt: 3,
        maxAttempts: 3,
      },
    ]);
    expect(info).toEqual([
      `Retrying GET ${URL} in 30000 ms (attempt 2 of 3): 503, as the server asked (Retry-After)`,
      `Retrying GET ${URL} in 1000 ms (attempt 3 of 3): ECONNRESET`,
    ]);
  });

  it('waits at most 60 s however long the server asks, and a throwing onWait does not stop the retry', async () => {
    const reported: unknown[] = [];
    const queue = globalThis.queueMicrotask.bind(globalThis);
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) =>
      queue(() => {
        try {
          callback();
        } catch (error) {
          reported.push(error);
        }
      }),
    );
    const { fetch, sent } = scriptedFetch(respond(429, { 'retry-after': '315360000' }), respond(200));
    const onWait = () => {
      throw new Error('listener bug');
    };
    const { response } = await settle(withRetry(fetch, makeContext({ idempotent: true, onWait }))(makeRequest('GET')));
    expect(response?.status).toBe(200);
    expect(gapsBetween(sent)).toEqual([60_000]);
    expect(reported).toEqual([new Error('listener bug')]);
  });
});

describe('failedBeforeSend', () => {
  const coded = (code: string, cause?: unknown) => Object.assign(new Error(code, { cause }), { code });
  it.each([
    { what: 'ECONNREFUSED in the cause', error: new TypeError('fetch failed', { cause: coded('ECONNREFUSED') }), expected: true },
    { what: 'ENOTFOUND', error: coded('ENOTFOUND'), expected: true },
    {
      what: 'EAI_AGAIN two causes deep',
      error: new TypeError('fetch failed', { cause: new Error('x', { cause: coded('EAI_AGAIN') }) }),
      expected: true,
    },
    { what: 'EHOSTUNREACH', error: coded('EHOSTUNREACH'), expected: true },
    { what: 'ENETUNREACH', error: coded('ENETUNREACH'), expected: true },
    { what: 'UND_ERR_CONNECT_TIMEOUT', error: new TypeError('fetch failed', { cause: coded('UND_ERR_CONNECT_TIMEOUT') }), expected: true },
    {
      what: 'every address refused',
      error: new TypeError('fetch failed', { cause: new AggregateError([coded('ECONNREFUSED'), coded('ENETUNREACH')]) }),
      expected: true,
    },
    { what: 'one address reset', error: new AggregateError([coded('ECONNREFUSED'), coded('ECONNRESET')]), expected: false },
    { what: 'ECONNRESET', error: new TypeError('fetch failed', { cause: coded('ECONNRESET') }), expected: false },
    { what: 'UND_ERR_SOCKET', error: new TypeError('fetch failed', { cause: coded('UND_ERR_SOCKET') }), expected: false },
    { what: 'terminated', error: new TypeError('terminated'), expected: false },
    { what: 'a plain TypeError', error: new TypeError('fetch failed'), expected: false },
    { what: 'not an error', error: 'ECONNREFUSED', expected: false },
  ])('$what → $expected', ({ error, expected }) => {
    expect(failedBeforeSend(error)).toBe(expected);
  });

  it('survives a cyclic cause chain', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(failedBeforeSend(error)).toBe(false);
  });
});
