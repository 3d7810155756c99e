// Tinker and TenSafe against an API that redirects to another origin (a second loopback server on
// another port), and the checkpoint archive whose 302 is the answer: no credential ever reaches
// the other origin. Each test fails without core's redirect rules.
import { RedirectError } from '@trainwire/core';
import { type LoopbackServer, sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceClient as TenSafeClient } from '../tensafe/tensafe-client.js';
import { ServiceClient } from './tinker-service-client.js';

const KEY = 'tml-wire-0123456789abcdef';
const CF_ID = 'cf-id-wire-0123456789';
const CF_SECRET = 'cf-secret-wire-0123456789';
const serve = useLoopbackServers();
afterEach(() => {
  vi.unstubAllEnvs();
});

/** An API answering every request with `status` to the same path on `other`. */
const redirectingTo = (other: LoopbackServer, status: number) =>
  serve((request, response) => {
    response.writeHead(status, { location: `${other.url}${request.url}` }).end();
  });

describe.each([301, 302, 307, 308])('an API that answers %i to another origin', (status) => {
  it('Tinker: RedirectError; neither X-API-Key nor the Cloudflare Access headers reach the other origin', async () => {
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_ID', CF_ID);
    vi.stubEnv('CLOUDFLARE_ACCESS_CLIENT_SECRET', CF_SECRET);
    const other = await serve((_request, response) => sendJson(response, 200, {}));
    const api = await redirectingTo(other, status);
    const rest = new ServiceClient({
      apiKey: KEY,
      baseURL: api.url,
      logLevel: 'off',
      heartbeatInterval: 0,
      maxRetries: 0,
    }).createRestClient();
    const error = await rest.getTrainingRun('run-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedirectError);
    expect(other.requests).toHaveLength(0);
    // They were sent, to the API only.
    expect(api.requests[0]?.headers).toMatchObject({
      'x-api-key': KEY,
      'cf-access-client-id': CF_ID,
      'cf-access-client-secret': CF_SECRET,
    });
  });

  it('TenSafe: RedirectError; the key never reaches the other origin', async () => {
    const other = await serve((_request, response) => sendJson(response, 200, {}));
    const api = await redirectingTo(other, status);
    const client = new TenSafeClient({ apiKey: 'ts-wire-0123456789abcdef', baseURL: api.url, logLevel: 'off', retryCount: 0 });
    const error = await client.getTrainingClient('tc-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedirectError);
    expect(other.requests).toHaveLength(0);
  });
});

describe('getCheckpointArchiveUrl', () => {
  it('reads the 302 to storage as the answer: storage is never called, so it never sees the key', async () => {
    const storage = await serve((_request, response) => {
      response.writeHead(200).end('archive bytes');
    });
    const api = await serve((_request, response) => {
      const location = `${storage.url}/a.tar?X-Amz-Signature=0123456789abcdef`;
      response.writeHead(302, { location, expires: 'Wed, 01 Jan 2031 00:00:00 GMT' }).end();
    });
    const rest = new ServiceClient({ apiKey: KEY, baseURL: api.url, logLevel: 'off', heartbeatInterval: 0 }).createRestClient();
    const answer = await rest.getCheckpointArchiveUrl('run-1', 'weights/0100');
    expect(answer).toEqual({ url: `${storage.url}/a.tar?X-Amz-Signature=0123456789abcdef`, expires: '2031-01-01T00:00:00.000Z' });
    expect(storage.requests).toHaveLength(0);
  });
});
