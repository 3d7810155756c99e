import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyAgent, proxyFromEnv } from './proxy.js';
import { redact } from './redact.js';
import { startForwardProxy, startOrigin } from './test-support/forward-proxy.js';
import { type paths, widgets } from './test-support/widgets.js';
import { createTransport, type TransportOptions } from './transport.js';

let proxy: Awaited<ReturnType<typeof startForwardProxy>>;
let origin: Awaited<ReturnType<typeof startOrigin>>;

beforeAll(async () => {
  proxy = await startForwardProxy();
  origin = await startOrigin();
});
afterAll(async () => {
  await proxy?.close();
  await origin?.close();
});

const API_KEY = 'wk-proxy-secret-0123456789';

function client(fetchOptions: TransportOptions['fetchOptions'], baseURL = origin.url) {
  return createTransport<paths>({
    definition: widgets,
    baseURL,
    apiKey: API_KEY,
    fetchOptions,
    logLevel: 'off',
    maxRetries: 0,
    timeout: 20_000,
  });
}

const getWidget = { params: { path: { id: 'w1' } } };

describe('proxyFromEnv through a real forward proxy on loopback', () => {
  it('is undefined when no proxy variable is set', () => {
    expect(proxyFromEnv({})).toBeUndefined();
    expect(proxyFromEnv({ NO_PROXY: '*' })).toBeUndefined();
  });

  it('sends requests through HTTP_PROXY, without the API key or a Proxy-Authorization reaching the proxy', async () => {
    const before = proxy.seen.length;
    const { data, requestId } = await client(proxyFromEnv({ HTTP_PROXY: proxy.url }))
      .request('get', '/widgets/{id}', getWidget)
      .withResponse();
    expect(data.name).toBe('/widgets/w1');
    expect(requestId).toMatch(/^origin-/);
    const asked = proxy.seen.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.target).toBe(new URL(origin.url).host);
    expect(asked[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(JSON.stringify(asked)).not.toContain(API_KEY);
  });

  it('lower-case http_proxy wins over HTTP_PROXY', async () => {
    const before = proxy.seen.length;
    await client(proxyFromEnv({ http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' })).request('get', '/widgets/{id}', getWidget);
    expect(proxy.seen.length).toBe(before + 1);
  });

  it('bypasses the proxy for a host in NO_PROXY', async () => {
    const before = proxy.seen.length;
    const options = proxyFromEnv({ HTTP_PROXY: proxy.url, NO_PROXY: 'example.test, 127.0.0.1' });
    expect((await client(options).request('get', '/widgets/{id}', getWidget)).id).toBe('w1');
    expect(proxy.seen.length).toBe(before);
  });

  it('sends Proxy-Authorization only when the proxy URL has credentials, and redacts its password', async () => {
    const before = proxy.seen.length;
    const withCredentials = proxy.url.replace('http://', 'http://alice:pr0xy-pa55word@');
    await client(proxyAgent(withCredentials)).request('get', '/widgets/{id}', getWidget);
    const asked = proxy.seen.slice(before);
    expect(asked[0]?.headers['proxy-authorization']).toBe(`Basic ${btoa('alice:pr0xy-pa55word')}`);
    expect(redact(`via ${withCredentials}`)).not.toContain('pr0xy-pa55word');
  });

  it('a per-call fetchOptions dispatcher overrides the client one', async () => {
    const before = proxy.seen.length;
    const direct = client(proxyFromEnv({ HTTP_PROXY: 'http://127.0.0.1:9' }));
    await direct.request('get', '/widgets/{id}', getWidget, { fetchOptions: proxyFromEnv({ HTTP_PROXY: proxy.url }) });
    expect(proxy.seen.length).toBe(before + 1);
  });
});
