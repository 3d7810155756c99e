import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveSetting } from './config.js';
import { InvalidRequestError } from './errors.js';
import type { Logger } from './logger.js';
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
