// A TenSafe future whose `/result` answers 500 for ever (as the reference server's does, see
// oracles/README.md) must end, with a typed error naming the failure, within a bounded time:
// with or without the caller's own timeout. A real server on loopback; the clock is faked so that
// minutes of backoff take a moment.
import { FuturePollingError as CoreFuturePollingError, InternalServerError } from '@trainwire/core';
import { sendJson, useLoopbackServers } from '@trainwire/testing/loopback-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceClient } from './tensafe-client.js';
import { FuturePollingError, TGTinkerError } from './tensafe-errors.js';

const serve = useLoopbackServers();
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Let real sockets work between steps of the fake clock, until `promise` settles (or 10 simulated minutes pass). */
async function runUntilSettled(promise: Promise<unknown>): Promise<{ outcome: unknown; simulated: number }> {
  let settled = false;
  const outcome = promise.then(
    (value) => value,
    (error: unknown) => error,
  );
  void outcome.finally(() => {
    settled = true;
  });
  let simulated = 0;
  while (!settled && simulated < 600_000) {
    for (let turn = 0; turn < 200 && !settled; turn++) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(250);
    simulated += 250;
  }
  return { outcome: settled ? await outcome : 'still polling', simulated };
}

describe('a TenSafe future whose /result answers 500 for ever', () => {
  it.each([
    ['without a timeout', undefined],
    ['with a long timeout of its own', 3_000_000],
  ])('ends fast with FuturePollingError naming the 500 (%s)', async (_case, timeout) => {
    const server = await serve((request, response) => {
      if (request.url.endsWith('/result')) return sendJson(response, 500, { detail: "name 'FUTURES' is not defined" });
      sendJson(response, 200, {
        future_id: 'fut-1',
        status: 'completed',
        created_at: '2026-01-01T00:00:00Z',
        training_client_id: 'tc-1',
        operation: 'optim_step',
      });
    });
    const client = new ServiceClient({ apiKey: 'ts-waiting-0123456789', baseURL: server.url, logLevel: 'off' });
    const { outcome, simulated } = await runUntilSettled(client.getFuture('fut-1').result({ timeout }));
    expect(outcome).toBeInstanceOf(FuturePollingError);
    expect(outcome).toBeInstanceOf(CoreFuturePollingError);
    expect(outcome).toBeInstanceOf(TGTinkerError);
    expect(outcome).toMatchObject({ code: 'FUTURE_POLLING_FAILED', failures: 3, futureId: 'fut-1' });
    expect((outcome as FuturePollingError).cause).toBeInstanceOf(InternalServerError);
    expect((outcome as Error).message).toMatch(/^Gave up on future fut-1 after 3 failed polls in a row; the last: .*500/);
    // 3 polls, each a status read and a /result read tried 4 times (retryCount 3): 12 server errors in a row.
    expect(server.requests.filter((request) => request.url.endsWith('/result'))).toHaveLength(12);
    // Each poll's own retries (0.5 + 1 + 2 s at most) and the poll backoff 1 + 2 s: under 15 s, not minutes.
    expect(simulated).toBeLessThanOrEqual(15_000);
  });
});
