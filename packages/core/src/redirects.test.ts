import { describe, expect, it } from 'vitest';
import { sendJson, useLoopbackServers } from '../../../tools/testing/src/loopback-server.js';
import { APITimeoutError } from './errors.js';
import { registerSecretHeader } from './redact.js';
import { withRedirects } from './redirects.js';
import { RedirectError } from './refusal-errors.js';
import type { OperationDefinition } from './service-definition.js';
import { fakeFetch, json } from './test-support/fake-fetch.js';
import { type paths, widgets } from './test-support/widgets.js';
import { createTransport, type TransportOptions } from './transport.js';

const serve = useLoopbackServers();
const widget = { id: 'w1', name: 'gear', size: 3 };
const KEY = 'wk-redirect-0123456789';
// Every credential header a client of this repo may send: the service's auth header, bearer,
// cookies, Cloudflare Access (Tinker) and a header registered as secret by a service package.
const CREDENTIALS = {
  Authorization: 'Bearer bt-redirect-0123456789',
  Cookie: 'session=cookie-redirect-0123456789',
  'CF-Access-Client-Id': 'cf-id-redirect-0123456789',
  'CF-Access-Client-Secret': 'cf-secret-redirect-0123456789',
  'X-Tenant-Token': 'tenant-redirect-0123456789',
};
registerSecretHeader('X-Tenant-Token');

function client(baseURL: string, options: Partial<TransportOptions> = {}) {
  return createTransport<paths>({
    definition: widgets,
    baseURL,
    apiKey: KEY,
    logLevel: 'off',
    maxRetries: 0,
    headers: CREDENTIALS,
    ...options,
  });
}

/** A server that answers every request with `status` and a Location of `target` + the path. */
const redirecting = (status: number, target: () => string) =>
  serve((request, response) => {
    response.writeHead(status, { location: `${target()}${request.url}` }).end('moved');
  });

describe('redirects', () => {
  for (const status of [301, 302, 307, 308]) {
    it(`refuses a ${status} to another origin: no request, let alone a credential, reaches it`, async () => {
      const other = await serve((_request, response) => sendJson(response, 200, widget));
      const api = await redirecting(status, () => `${other.url}/steal?X-Amz-Signature=sig-0123456789abcdef&x=1`);
      const error = await client(api.url)
        .request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RedirectError);
      expect((error as RedirectError).status).toBe(status);
      expect((error as RedirectError).message).toContain('another origin');
      // The Location is kept for the caller, its signature redacted.
      expect((error as RedirectError).location).toContain('/steal?X-Amz-Signature=[redacted]&x=1');
      expect(JSON.stringify(error)).not.toContain('sig-0123456789abcdef');
      expect(api.requests).toHaveLength(1);
      expect(other.requests).toHaveLength(0);
    });
  }

  for (const status of [301, 302, 307, 308]) {
    it(`follows a ${status} to another origin the service declares safe, without any credential header`, async () => {
      const other = await serve((_request, response) => sendJson(response, 200, widget));
      const api = await redirecting(status, () => other.url);
      const safe = { ...widgets, crossOriginRedirects: 'strip-credentials' as const };
      const result = await client(api.url, { definition: safe }).request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } });
      expect(result).toEqual(widget);
      expect(other.requests).toHaveLength(1);
      const sent = other.requests[0]?.headers ?? {};
      for (const name of ['x-api-key', 'authorization', 'cookie', 'cf-access-client-id', 'cf-access-client-secret', 'x-tenant-token'])
        expect(sent[name], name).toBeUndefined();
      expect(JSON.stringify(sent)).not.toContain('redirect-0123456789');
      // The API itself got them.
      expect(api.requests[0]?.headers['x-api-key']).toBe(KEY);
      expect(api.requests[0]?.headers['cf-access-client-secret']).toBe(CREDENTIALS['CF-Access-Client-Secret']);
    });
  }

  it('an operation may declare a cross-origin redirect safe where the service does not', async () => {
    const other = await serve((_request, response) => sendJson(response, 200, widget));
    const api = await redirecting(302, () => other.url);
    const operations: Record<string, OperationDefinition> = { ...widgets.operations };
    operations['GET /widgets/{id}'] = {
      ...(operations['GET /widgets/{id}'] as OperationDefinition),
      crossOriginRedirects: 'strip-credentials',
    };
    const result = await client(api.url, { definition: { ...widgets, operations } }).request('get', '/widgets/{id}', {
      params: { path: { id: 'w1' } },
    });
    expect(result).toEqual(widget);
    expect(other.requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('follows same-origin redirects with the credentials, and a 307/308 keeps the method and the body', async () => {
    for (const status of [307, 308]) {
      const api = await serve((request, response) => {
        if (request.url === '/api/widgets') response.writeHead(status, { location: '/v2/widgets' }).end();
        else sendJson(response, 201, widget);
      });
      const created = await client(`${api.url}/api`).request('post', '/widgets', { body: { name: 'gear', size: 3 } });
      expect(created).toEqual(widget);
      const [first, second] = api.requests;
      expect(second?.method).toBe('POST');
      expect(second?.url).toBe('/v2/widgets');
      expect(second?.body).toBe(first?.body);
      expect(JSON.parse(second?.body ?? '')).toEqual({ name: 'gear', size: 3 });
      expect(second?.headers['x-api-key']).toBe(KEY);
      expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    }
  });

  it('refuses to turn a POST answered 301/302 into a GET; a 303 goes on as a GET without the body', async () => {
    for (const status of [301, 302]) {
      const api = await serve((request, response) => {
        if (request.method === 'POST') response.writeHead(status, { location: '/elsewhere' }).end();
        else sendJson(response, 201, widget);
      });
      const error = await client(api.url)
        .request('post', '/widgets', { body: { name: 'gear' } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RedirectError);
      expect((error as Error).message).toContain('a write is not turned into a GET');
      expect(api.requests.map((request) => request.method)).toEqual(['POST']);
    }
    const api = await serve((request, response) => {
      if (request.method === 'POST') response.writeHead(303, { location: '/widgets/w1' }).end();
      else sendJson(response, 201, widget);
    });
    await client(api.url).request('post', '/widgets', { body: { name: 'gear' } });
    expect(api.requests.map((request) => `${request.method} ${request.url} ${request.body}`)).toEqual([
      'POST /widgets {"name":"gear"}',
      'GET /widgets/w1 ',
    ]);
    expect(api.requests[1]?.headers['content-type']).toBeUndefined();
  });

  it('follows at most 10 redirects', async () => {
    const hops = (count: number) =>
      serve((request, response) => {
        const hop = Number(new URL(request.url, 'http://x').searchParams.get('hop') ?? 0);
        if (hop < count) response.writeHead(302, { location: `/widgets/w1?hop=${hop + 1}` }).end();
        else sendJson(response, 200, widget);
      });
    const ten = await hops(10);
    expect(await client(ten.url).request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })).toEqual(widget);
    expect(ten.requests).toHaveLength(11);
    const eleven = await hops(11);
    const error = await client(eleven.url)
      .request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toContain('more than 10 redirects');
    expect(eleven.requests).toHaveLength(11);
  });

  it('applies the TLS rule to every hop: https to plain http on a non-loopback host is refused', async () => {
    const fake = fakeFetch([
      new Response(null, { status: 302, headers: { location: 'http://widgets.test/api/widgets/w1' } }),
      json(widget),
    ]);
    const error = await client('https://widgets.test/api', { fetch: fake.fetch })
      .request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toContain('from https to plain http');
    expect(fake.seen).toHaveLength(1);
    // Loopback keeps working over plain http.
    const loopback = fakeFetch([
      new Response(null, { status: 302, headers: { location: 'http://127.0.0.1:9/api/widgets/w1' } }),
      json(widget),
    ]);
    const safe = { ...widgets, crossOriginRedirects: 'strip-credentials' as const };
    await client('https://widgets.test/api', { fetch: loopback.fetch, definition: safe }).request('get', '/widgets/{id}', {
      params: { path: { id: 'w1' } },
    });
    expect(loopback.seen[1]?.url).toBe('http://127.0.0.1:9/api/widgets/w1');
  });

  it('the per-attempt timeout covers every hop', async () => {
    const api = await serve((request, response) => {
      setTimeout(() => {
        if (!response.destroyed) response.writeHead(307, { location: `${request.url.split('?')[0]}?t=${Date.now()}` }).end();
      }, 100);
    });
    const started = Date.now();
    const error = await client(api.url, { timeout: 350 })
      .request('get', '/widgets/{id}', { params: { path: { id: 'w1' } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(api.requests.length).toBeLessThanOrEqual(5);
  });

  it('a one-shot stream body answered with a redirect is a RedirectError, and a manual call gets the 3xx itself', async () => {
    const api = await redirecting(307, () => 'http://127.0.0.1:9');
    const fetch = withRedirects((request, init) => globalThis.fetch(request, init));
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('bytes'));
        controller.close();
      },
    });
    const streamed = new Request(`${api.url}/upload`, { method: 'PUT', body, duplex: 'half', redirect: 'error' } as RequestInit);
    await expect(fetch(streamed)).rejects.toThrow(RedirectError);
    const manual = await fetch(new Request(`${api.url}/archive`, { redirect: 'manual' }));
    expect(manual.status).toBe(307);
    expect(manual.headers.get('location')).toBe('http://127.0.0.1:9/archive');
  });
});
