import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIError } from './api-error.js';
import { resolveSetting } from './config.js';
import { InvalidRequestError } from './errors.js';
import type { Logger } from './logger.js';
import { schemaValidator } from './schema-validator.js';
import { fakeFetch, json } from './test-support/fake-fetch.js';
import { type paths, widgets } from './test-support/widgets.js';
import { createTransport } from './transport.js';

const KEY = 'sk-planted-SECRET-0123456789abcdef';

/** Every way a failure can be shown to a person or a log pipeline. */
function renderings(error: unknown): string[] {
  const value = error as Error;
  return [
    String(value),
    value.message,
    value.stack ?? '',
    JSON.stringify(value),
    inspect(value, { depth: 10 }),
    inspect(value, { depth: 10, showHidden: true }),
  ];
}

describe('a planted API key', () => {
  const scripts: Array<[string, Parameters<typeof fakeFetch>[0]]> = [
    ['401 echoing the key', [json({ error: { message: `Invalid API key ${KEY}` } }, 401)]],
    ['500 after retries', [json({ detail: `upstream said Bearer ${KEY}` }, 500, { 'retry-after-ms': '1' })]],
    ['a connection error whose cause holds the key', [new TypeError(`fetch failed for ${KEY}`, { cause: new Error(`socket ${KEY}`) })]],
    ['a 2xx that fails validation and holds the key', [json({ id: KEY, name: 5, size: null })]],
    ['an HTML page holding the key', [new Response(`<p>${KEY}</p>`, { status: 200, headers: { 'content-type': 'text/html' } })]],
  ];

  it.each(scripts)('appears in no error or log line: %s', async (_, script) => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (message, fields) => lines.push(message, JSON.stringify(fields ?? {})),
      info: (message, fields) => lines.push(message, JSON.stringify(fields ?? {})),
      warn: (message, fields) => lines.push(message, JSON.stringify(fields ?? {})),
      error: (message, fields) => lines.push(message, JSON.stringify(fields ?? {})),
    };
    for (const auth of [undefined, { type: 'bearer' as const }]) {
      const fake = fakeFetch(script);
      const client = createTransport<paths>({
        definition: widgets,
        validator: schemaValidator,
        baseURL: 'https://widgets.test',
        apiKey: KEY,
        fetch: fake.fetch,
        logger,
        logLevel: 'debug',
        auth,
      });
      const error = await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(fake.seen.length).toBeGreaterThan(0);
      // The key did go on the wire: the test would pass vacuously otherwise.
      expect(fake.seen[0]?.headers.get('x-api-key') ?? fake.seen[0]?.headers.get('authorization')).toContain(KEY);
      for (const text of [...renderings(error), ...lines]) expect(text).not.toContain(KEY);
    }
    expect(lines.length).toBeGreaterThan(0);
  });

  it('stays out of the error for a header that carries it', () => {
    resolveSetting({ value: KEY, option: 'apiKey', service: 'Widgets', secret: true });
    const error = (() => {
      try {
        createTransport({ definition: widgets, baseURL: 'https://widgets.test', apiKey: 'x', headers: { 'X-Echo': `${KEY}\n` } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    for (const text of renderings(error)) expect(text).not.toContain(KEY);
  });
});

describe('a key echoed back by a hostile server on loopback', () => {
  // 41 characters, like the keys of the report.
  const ECHOED = 'tw-echo_9Hq2Vn7Lx4Rk8Ws1Yp5Zt3Bm6Cd0Fg2Jk';
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const percent = (text: string) => Array.from(Buffer.from(text), (byte) => `%${byte.toString(16).toUpperCase()}`).join('');
  const encodings = (key: string) => [
    key,
    key.toUpperCase(),
    percent(key),
    base64(key),
    Buffer.from(key).toString('base64url'),
    base64(`Bearer ${key}`),
    base64(`user:${key}`),
    base64(`ab:${key}`),
  ];
  const answers: Record<string, (key: string, response: ServerResponse) => void> = {
    '401 with 460 characters, then the key': (key, response) => {
      response.writeHead(401, { 'content-type': 'text/plain' }).end(`${'x'.repeat(460)}${key}`);
    },
    '401 JSON whose message is 460 characters, then the key': (key, response) => {
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ weird: `${'x'.repeat(460)}${key}` }));
    },
    'the key in response headers': (key, response) => {
      response
        .writeHead(403, {
          'content-type': 'application/json',
          'x-echo': key,
          'www-authenticate': `Bearer realm="api", error="invalid_token", token="${key}"`,
          'x-debug-auth': base64(`Bearer ${key}`),
          'x-api-key': key,
        })
        .end('{"detail":"forbidden"}');
    },
    'the key in every usual encoding': (key, response) => {
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: encodings(key).join(' ') }));
    },
    'a 200 that fails validation, 460 characters then the key': (key, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${'x'.repeat(460)}${key}</p>`);
    },
  };
  let url = '';
  let answer = answers['the key in response headers'] as (key: string, response: ServerResponse) => void;
  const server = createServer((request, response) => {
    request.resume();
    answer(String(request.headers['x-api-key']), response);
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(Object.keys(answers))('shows no encoding of it and no piece of it: %s', async (name) => {
    answer = answers[name] as typeof answer;
    const lines: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>) => lines.push(message, inspect(fields, { depth: 8 }));
    const client = createTransport<paths>({
      definition: widgets,
      validator: schemaValidator,
      baseURL: url,
      apiKey: ECHOED,
      maxRetries: 0,
      logger: { debug: log, info: log, warn: log, error: log },
      logLevel: 'debug',
    });
    const error = (await client.request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } }).catch((caught) => caught)) as APIError;
    expect(error).toBeInstanceOf(Error);
    const shown = [...renderings(error), JSON.stringify([...(error.headers ?? new Headers())]), inspect(error.body), ...lines].join('\n');
    for (const encoded of encodings(ECHOED)) expect(shown).not.toContain(encoded);
    // Nor any piece of it: a message cut before redaction would keep the key's first characters.
    for (let start = 0; start + 10 <= ECHOED.length; start++) expect(shown).not.toContain(ECHOED.slice(start, start + 10));
    if (name === 'the key in response headers') {
      expect(error.headers.get('x-api-key')).toBeNull();
      expect(error.headers.get('x-echo')).toBe('[redacted]');
    }
  });
});
