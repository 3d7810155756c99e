// Syvain Metrics and Runicorn against an API that redirects to another origin (a second loopback
// server on another port): the call fails typed and no credential reaches the other origin.
import { TrainwireError } from '@trainwire/core';
import { type LoopbackServer, sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { describe, expect, it } from 'vitest';
import { RedirectError } from '../index.js';
import { RunicornClient } from '../runicorn/runicorn-client.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';

const serve = useLoopbackServers();

const redirectingTo = (other: LoopbackServer, status: number) =>
  serve((request, response) => {
    response.writeHead(status, { location: `${other.url}${request.url}` }).end();
  });

/** `error` or an error down its cause chain is a RedirectError. */
function redirectIn(error: unknown): RedirectError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) if (current instanceof RedirectError) return current;
  return undefined;
}

describe.each([301, 302, 307, 308])('an API that answers %i to another origin', (status) => {
  it('Syvain Metrics: a RedirectError; the bearer key never reaches the other origin', async () => {
    const other = await serve((_request, response) => sendJson(response, 200, {}));
    const api = await redirectingTo(other, status);
    const key = 'syv-wire-0123456789abcdef';
    const error = await new SyvainMetricsApiClient(key, { host: api.url, logLevel: 'off', maxRetries: 0 })
      .authStatus()
      .catch((caught: unknown) => caught);
    expect(redirectIn(error)).toBeDefined();
    expect(other.requests).toHaveLength(0);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('Runicorn: a typed error caused by a RedirectError; the token never reaches the other origin', async () => {
    const other = await serve((_request, response) => sendJson(response, 200, { status: 'ok' }));
    const api = await redirectingTo(other, status);
    const error = await new RunicornClient({ baseURL: api.url, apiKey: 'rc-wire-0123456789abcdef', logLevel: 'off', maxRetries: 0 })
      .healthCheck()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainwireError);
    expect(redirectIn(error)).toBeDefined();
    expect(other.requests).toHaveLength(0);
  });
});
