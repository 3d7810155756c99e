// The waiting policy against hostile servers on loopback: a 429 that asks to wait ten years, a
// server that answers 500 for ever, a state conflict, and a storage host that echoes the URL's
// signature. Each test fails without the policy it checks.
import { inspect } from 'node:util';
import { sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { describe, expect, it } from 'vitest';
import { APIUserAbortError, ConflictError, InternalServerError, JobPollingError, MiddlemanClient, PermissionDeniedError } from './index.js';

const KEY = 'mdlm_waiting_0123456789abcdef';
const serve = useLoopbackServers();

const client = (url: string, options: Partial<ConstructorParameters<typeof MiddlemanClient>[0]> = {}) =>
  new MiddlemanClient({ apiKey: KEY, baseURL: `${url}/api/v1`, logLevel: 'off', ...options });

describe('waitForJob against a server that answers 429 with Retry-After: 315360000 for ever', () => {
  it.each([0, 2])(
    'makes a bounded number of requests (maxRetries %i): the wait is capped at 60 s, never overflowing the timer',
    async (maxRetries) => {
      const server = await serve((_request, response) => sendJson(response, 429, { detail: 'slow down' }, { 'retry-after': '315360000' }));
      const controller = new AbortController();
      const waits: unknown[] = [];
      const waiting = client(server.url, { maxRetries })
        .waitForJob('job-1', { pollInterval: 1, signal: controller.signal }, { onWait: (wait) => waits.push(wait) })
        .catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      controller.abort();
      expect(await waiting).toBeInstanceOf(APIUserAbortError);
      // An overflowed timer fires after 1 ms: hundreds of requests a second.
      expect(server.requests.length).toBe(1);
      expect(waits).toEqual([expect.objectContaining({ delay: 60_000, retryAfter: true, status: 429 })]);
    },
  );
});

describe('waitForJob against a server that answers 500 for ever', () => {
  it('ends with JobPollingError naming the last failure, after 10 failed polls in a row', async () => {
    const server = await serve((_request, response) => sendJson(response, 500, { detail: 'database is on fire' }));
    const started = Date.now();
    const error = await client(server.url, { maxRetries: 0 })
      .waitForJob('job-1', { pollInterval: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobPollingError);
    expect(error).toMatchObject({ jobId: 'job-1', failures: 10 });
    expect((error as JobPollingError).cause).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toBe(
      'Gave up polling job job-1 after 10 failed polls in a row; the last: InternalServerError: 500 database is on fire',
    );
    expect(server.requests).toHaveLength(10);
    // Backoff from the 1 ms poll interval: 1 + 2 + ... + 256 ms, well under a few seconds.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('takes maxFailures, and refuses one that is not a whole number >= 1', async () => {
    const server = await serve((_request, response) => sendJson(response, 503, { detail: 'down' }));
    const error = await client(server.url, { maxRetries: 0 })
      .waitForJob('job-1', { pollInterval: 1, maxFailures: 3 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'JobPollingError', failures: 3 });
    expect(server.requests).toHaveLength(3);
    await expect(client(server.url).waitForJob('job-1', { maxFailures: 0 })).rejects.toThrow('Invalid maxFailures');
    expect(server.requests).toHaveLength(3);
  });
});

describe('a state conflict', () => {
  it('pauseJob on a queued job (409) surfaces at once: one request, no retry', async () => {
    const server = await serve((_request, response) =>
      sendJson(response, 409, { detail: 'Only running jobs can be paused; this job is queued' }),
    );
    const error = await client(server.url)
      .pauseJob('job-1')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).retryable).toBe(false);
    expect((error as ConflictError).attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });
});

describe('uploadFile to a storage host that echoes the URL', () => {
  const SIGNATURE = '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
  const CREDENTIAL = 'AKIAWAITINGTEST/20260101/us-east-1/s3/aws4_request';

  it("keeps a 403's echoed signature out of message, stack, toJSON and inspect", async () => {
    const server = await serve((request, response, origin) => {
      if (request.method === 'POST') {
        const query = `X-Amz-Credential=${encodeURIComponent(CREDENTIAL)}&X-Amz-Expires=900&X-Amz-Signature=${SIGNATURE}`;
        return sendJson(response, 200, {
          upload_url: `${origin}/bucket/file.bin?${query}`,
          blob_path: 'uploads/file.bin',
          expires_at: '2026-01-01T00:00:00Z',
        });
      }
      response
        .writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': 'r1', 'x-echo-url': request.url })
        .end(
          `<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>bad signature for ${request.url}</Message>` +
            `<AWSAccessKeyId>AKIAWAITINGTEST</AWSAccessKeyId><SignatureProvided>${SIGNATURE}</SignatureProvided>` +
            `<CanonicalRequest>PUT /bucket/file.bin X-Amz-Credential=${CREDENTIAL}</CanonicalRequest></Error>`,
        );
    });
    const error = await client(server.url)
      .uploadFile(new Blob(['hello']), { filename: 'file.bin' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'PUT']);
    const shown = [
      String(error),
      (error as Error).message,
      (error as Error).stack,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify([...(error as PermissionDeniedError).headers]),
      String((error as PermissionDeniedError).body),
    ].join('\n');
    expect(shown).toContain('SignatureDoesNotMatch');
    expect(shown).not.toContain(SIGNATURE);
    expect(shown).not.toContain(CREDENTIAL);
    expect(shown).not.toContain(encodeURIComponent(CREDENTIAL));
  });

  it("waits the storage's Retry-After, reports it, and sends the Blob again", async () => {
    let puts = 0;
    const server = await serve((request, response, origin) => {
      if (request.method === 'POST')
        return sendJson(response, 200, {
          upload_url: `${origin}/bucket/f?sig=abc123def456`,
          blob_path: 'uploads/f',
          expires_at: '2026-01-01T00:00:00Z',
        });
      puts += 1;
      if (puts === 1) return sendJson(response, 503, { detail: 'slow down' }, { 'retry-after': '1' });
      response.writeHead(200).end();
    });
    const waits: unknown[] = [];
    await client(server.url).uploadFile(new Blob(['hello']), { filename: 'f' }, { onWait: (wait) => waits.push(wait) });
    const [first, second] = server.requests.filter((request) => request.method === 'PUT');
    expect(second?.body).toBe('hello');
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(waits).toEqual([
      {
        type: 'wait',
        target: `PUT ${server.url}/bucket/f`,
        delay: 1000,
        retryAfter: true,
        status: 503,
        reason: '503',
        attempt: 2,
        maxAttempts: 3,
      },
    ]);
  });
});
