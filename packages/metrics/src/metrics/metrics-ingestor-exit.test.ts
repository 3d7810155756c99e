// The ingestor in a process that ends without close(): child processes (the built package, as a
// user runs it) against the Syvain mock served over HTTP on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveHandlers } from '@trainwire/testing/cli';
import { getResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetricsMock } from '../mocks/metrics.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';

const CHILD = fileURLToPath(new URL('../test-support/ingest-child.mjs', import.meta.url));
const KEY = 'ak_org_trainwire_test';
let mock = createMetricsMock();
/** When set, ingest requests wait for it (a server that stalls). */
let stall: Promise<never> | undefined;
let served: Awaited<ReturnType<typeof serveHandlers>>;
let scratch = '';

beforeAll(async () => {
  served = await serveHandlers((origin) => [
    http.post(`${origin}/api/v1/experiments/:id/metrics/ingest`, () => stall),
    // Each test gets a fresh mock; the server asks for the current one's handlers.
    http.all(`${origin}/*`, ({ request }) => getResponse(mock.handlers, request)),
  ]);
  scratch = await mkdtemp(join(tmpdir(), 'trainwire-ingest-exit-'));
});
afterAll(async () => {
  await served.close();
  await rm(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  mock = createMetricsMock({ baseURL: served.origin, seed: 5, experiments: 0 });
  stall = undefined;
});

const client = () => new SyvainMetricsApiClient(KEY, { host: served.origin, logLevel: 'off' });
const experiment = async () => (await client().createExperiment(`exit-${Math.random().toString(36).slice(2)}`)).experiment.id;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from `signal()` (or the start) to the end. */
  elapsed: number;
}

/** Run the child; `whenLogged` runs once it says it logged everything (to signal it). */
function run(mode: string, points: number, env: Record<string, string>, whenLogged?: (child: ChildProcess) => void) {
  return new Promise<Ended>((resolve, reject) => {
    let started = Date.now();
    const child = spawn(process.execPath, [CHILD, mode, String(points)], {
      env: { PATH: process.env.PATH ?? '', HOME: scratch, SYVAIN_METRICS_HOST: served.origin, SYVAIN_METRICS_API_KEY: KEY, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (whenLogged && stdout.includes(`logged ${points}\n`)) {
        const signal = whenLogged;
        whenLogged = undefined;
        started = Date.now();
        signal(child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, elapsed: Date.now() - started }));
  });
}

describe('an ingestor whose process ends without close()', () => {
  it('sends all 2,500 points of a script that just ends, and the exit code stays 0', async () => {
    const id = await experiment();
    const ended = await run('no-close', 2_500, { EXPERIMENT: id });
    expect(ended).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(mock.state.events(id)).toHaveLength(2_500);
    expect(new Set(mock.state.events(id).map((event) => event.step)).size).toBe(2_500);
  });

  it('flushes on SIGTERM, then ends by SIGTERM as it would have', async () => {
    const id = await experiment();
    const ended = await run('idle', 1_000, { EXPERIMENT: id, EXIT_TIMEOUT: '20000' }, (child) => child.kill('SIGTERM'));
    expect(ended).toMatchObject({ code: null, signal: 'SIGTERM', stderr: '' });
    expect(mock.state.events(id)).toHaveLength(1_000);
  });

  it('waits at most exitTimeout for a server that stalls, says what was lost, and still ends by the signal', async () => {
    const id = await experiment();
    stall = new Promise<never>(() => undefined);
    const ended = await run('idle', 1_000, { EXPERIMENT: id, EXIT_TIMEOUT: '1500' }, (child) => child.kill('SIGINT'));
    expect(ended).toMatchObject({ code: null, signal: 'SIGINT' });
    expect(ended.stderr).toContain(
      `Syvain Metrics: 1000 metric events of experiment ${id} were not sent (the process received SIGINT, not sent within exitTimeout (1500 ms)); they are lost (the spool option keeps them on disk).`,
    );
    // The transport alone would wait 60 s per attempt: the bound is what ended it (slack for a loaded machine).
    expect(ended.elapsed).toBeGreaterThanOrEqual(1_400);
    expect(ended.elapsed).toBeLessThan(30_000);
    expect(mock.state.events(id)).toHaveLength(0);
  });

  it("leaves the ending to a script's own SIGTERM handler, and at its process.exit() keeps what is unsent in the spool", async () => {
    const id = await experiment();
    const spool = join(scratch, 'spool-user-handler');
    stall = new Promise<never>(() => undefined);
    const ended = await run('user-handler', 700, { EXPERIMENT: id, SPOOL_DIR: spool }, (child) => child.kill('SIGTERM'));
    expect(ended).toMatchObject({ code: 7, signal: null });
    expect(ended.stdout).toContain('user handler');
    expect(ended.stderr).toContain(
      `700 metric events of experiment ${id} were not sent (the process exited); 700 of them are in the spool ${spool}/${id}/`,
    );
    stall = undefined;
    const report = await client().syncSpool(id, { dir: spool });
    expect(report).toMatchObject({ logged: 0, recovered: 700, accepted: 700, failed: 0, inSpool: 0, pending: 0 });
    expect(mock.state.events(id)).toHaveLength(700);
  });

  it('spools what is buffered at process.exit(), for the next ingestor of the experiment to send', async () => {
    const id = await experiment();
    const spool = join(scratch, 'spool-exit');
    const ended = await run('exit', 1_200, { EXPERIMENT: id, SPOOL_DIR: spool });
    expect(ended).toMatchObject({ code: 3, signal: null });
    expect(ended.stderr).toContain('1200 metric events');
    expect(mock.state.events(id)).toHaveLength(0);
    const next = client().ingestor(id, { spool: { dir: spool }, runId: 'next' });
    next.log('loss', 0.5, { step: 0 });
    expect(await next.close()).toMatchObject({ logged: 1, recovered: 1_200, accepted: 1_201, duplicates: 0, failed: 0 });
    expect(mock.state.events(id)).toHaveLength(1_201);
  });

  it('numbers step-less values anew in a restarted process: the second run is accepted, not refused as duplicates', async () => {
    const id = await experiment();
    for (const _ of [1, 2]) {
      const ended = await run('stepless', 3_000, { EXPERIMENT: id });
      expect(ended).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(ended.stdout.split('\n')[1] as string)).toMatchObject({ logged: 3_000, accepted: 3_000, failed: 0 });
    }
    const stored = mock.state.events(id);
    expect(stored).toHaveLength(6_000);
    expect(new Set(stored.map((event) => event.client_event_id)).size).toBe(6_000);
  });
});
