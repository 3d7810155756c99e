// The crash case of issue 16: a training job logging metric points with the ingestor's spool is
// SIGKILLed at a random moment after some points were durable, through a proxy that resets and
// stalls connections (so batches are in flight, or stored by the server without the job hearing
// it, when it dies). A second process then syncs the spool. The server must end with exactly the
// points the job logged up to what its spool held: every point that was durable, each once, as a
// prefix of what was logged (a batch is on disk before it is sent), and nothing left in the spool.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@trainwire/core';
import { SyvainMetricsApiClient } from '@trainwire/metrics';
import { type Sandbox, startSandbox } from '@trainwire/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosProxy, startChaosProxy } from './chaos-proxy.js';

const CHILD = fileURLToPath(new URL('./ingest-crash-child.mjs', import.meta.url));
const POINTS = 20_000;
const ROUNDS = 3;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

let sandbox: Sandbox;
let proxy: ChaosProxy;
let scratch: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 16, onRequest: () => {} });
  proxy = await startChaosProxy({
    target: sandbox.url,
    seed: SEED,
    rate: 0.1,
    kinds: ['reset-before', 'reset-after', '503', 'stall'],
    stallMs: 1_500,
  });
  scratch = await mkdtemp(join(tmpdir(), 'trainwire-crash-'));
});
afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
  await rm(scratch, { recursive: true, force: true });
});

interface Ended {
  signal: NodeJS.Signals | null;
  code: number | null;
  lines: string[];
  durable: number;
}

/** Run the child; in `log` mode, SIGKILL it `delay` ms after its `killAfter`-th `durable` line. */
function child(mode: 'log' | 'sync', env: Record<string, string>, kill?: { killAfter: number; delay: number }) {
  return new Promise<Ended>((resolve, reject) => {
    const process_ = spawn(process.execPath, [CHILD, mode], { env: { PATH: process.env.PATH ?? '', HOME: scratch, ...env } });
    const ended: Ended = { signal: null, code: null, lines: [], durable: 0 };
    let buffered = '';
    let reports = 0;
    process_.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() as string;
      for (const line of lines) {
        ended.lines.push(line);
        const durable = /^durable (\d+)$/.exec(line);
        if (!durable) continue;
        ended.durable = Number(durable[1]);
        if (kill && ++reports === kill.killAfter) setTimeout(() => process_.kill('SIGKILL'), kill.delay);
      }
    });
    process_.stderr.on('data', (chunk: Buffer) => ended.lines.push(`stderr: ${chunk}`));
    process_.on('error', reject);
    process_.on('close', (code, signal) => resolve({ ...ended, code, signal }));
  });
}

/** The ids of every event in a whole batch line of the spool files in `folder` (`<checksum> <json>` lines). */
async function spooledIds(folder: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const name of await readdir(folder)) {
    for (const line of (await readFile(join(folder, name), 'utf8')).split('\n')) {
      let record: { body?: { metrics: { client_event_id: string }[] } };
      try {
        record = JSON.parse(line.slice(17));
      } catch {
        continue; // a line cut short by the kill, or the empty end
      }
      for (const event of record.body?.metrics ?? []) ids.add(event.client_event_id);
    }
  }
  return ids;
}

describe('a job killed with SIGKILL while logging with the spool', () => {
  it(`ends, after a sync, with exactly the points it logged up to its spool: ${ROUNDS} random kills (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const direct = new SyvainMetricsApiClient(sandbox.env.SYVAIN_METRICS_API_KEY as string, {
      host: sandbox.urls.metrics,
      logLevel: 'off',
    });
    const host = `${proxy.url}${new URL(sandbox.urls.metrics).pathname}`;
    for (let round = 0; round < ROUNDS; round++) {
      const { experiment } = await direct.createExperiment(`crash-${SEED}-${round}`);
      const dir = join(scratch, `spool-${round}`);
      const env = {
        SYVAIN_METRICS_HOST: host,
        SYVAIN_METRICS_API_KEY: sandbox.env.SYVAIN_METRICS_API_KEY as string,
        EXPERIMENT: experiment.id,
        SPOOL_DIR: dir,
        POINTS: String(POINTS),
      };
      const kill = { killAfter: 1 + Math.floor(random() * 15), delay: Math.floor(random() * 40) };
      const killed = await child('log', env, kill);
      expect(killed.signal, `round ${round}: ${killed.lines.join('\n')}`).toBe('SIGKILL');
      expect(killed.durable).toBeGreaterThanOrEqual(400);
      const spooled = await spooledIds(join(dir, experiment.id));

      // The second process: sync until the spool is empty (a batch the proxy kept failing stays for the next try).
      const reports: Record<string, number>[] = [];
      for (let attempt = 0; attempt < 5 && reports.at(-1)?.inSpool !== 0; attempt++) {
        const synced = await child('sync', env);
        expect(synced.code, synced.lines.join('\n')).toBe(0);
        reports.push(JSON.parse(synced.lines.at(-1) as string));
      }
      expect(reports.at(-1)).toMatchObject({ inSpool: 0, pending: 0 });
      expect(await readdir(dir)).toEqual([]);

      const stored = sandbox.mocks.metrics.state.events(experiment.id);
      expect(new Set(stored.map((event) => event.client_event_id)).size).toBe(stored.length);
      const losses = stored.filter((event) => event.name === 'loss').sort((a, b) => (a.step as number) - (b.step as number));
      const gpu = stored.filter((event) => event.name === 'gpu_util').sort((a, b) => a.value - b.value);
      // Every durable point, and then a prefix of what was logged: no gap, nothing twice.
      expect(losses.length).toBeGreaterThanOrEqual(killed.durable);
      expect(losses.map((event) => event.step)).toEqual(losses.map((_, index) => index));
      expect(losses.every((event) => event.value === 1 / ((event.step as number) + 1))).toBe(true);
      expect(gpu.map((event) => event.value)).toEqual(gpu.map((_, index) => index));
      expect([losses.length - 1, losses.length]).toContain(gpu.length);
      expect(new Set(gpu.map((event) => event.client_event_id.split('.')[0])).size).toBe(1); // one session
      // And exactly what the killed job's spool held in whole lines (a line cut short by the kill was never sent).
      expect(new Set(stored.map((event) => event.client_event_id))).toEqual(spooled);
      console.log(
        `crash round ${round}: killed ${kill.delay} ms after durable ${killed.durable}; server holds ${losses.length} + ${gpu.length};`,
        'sync reports',
        reports.map(({ recovered, accepted, duplicates, inSpool }) => ({ recovered, accepted, duplicates, inSpool })),
      );
    }
    console.log('crash rounds: faults injected', proxy.counts());
  }, 300_000);
});
