// `npx tsx bench/ingestor-throughput.ts`: pushes POINTS metric points (default 1,000,000) through
// client.ingestor() to the mock served on a loopback port, and prints points/s and memory. Measures, asserts nothing.
// TIGHT=1 logs every point in one synchronous loop (no yield until close()).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SyvainMetricsApiClient } from '../src/index.js';

const POINTS = Number(process.env.POINTS ?? 1_000_000);
const server = fork(fileURLToPath(new URL('./metrics-mock-server.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
const port = await new Promise<number>((resolve) => server.once('message', (message: { port: number }) => resolve(message.port)));
const client = new SyvainMetricsApiClient('ak_org_trainwire_test', { host: `http://127.0.0.1:${port}`, logLevel: 'off' });
const { experiment } = await client.createExperiment(`bench-${Date.now()}`);

const heapBefore = process.memoryUsage().heapUsed;
let heapPeak = heapBefore;
const started = performance.now();
const ingestor = client.ingestor(experiment.id);
let logTime = 0;
for (let step = 0; step < POINTS; step += 2) {
  const before = performance.now();
  for (let inner = step; inner < step + 2 && inner < POINTS; inner++) {
    ingestor.log(inner % 2 === 0 ? 'loss' : 'accuracy', Math.random(), { step: inner >> 1, metadata: { split: 'train' } });
  }
  logTime += performance.now() - before;
  // A training loop yields between steps (awaiting the GPU); do the same every 1000 points.
  if (step % 1000 === 0 && !process.env.TIGHT) {
    if (step % 50_000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    if (ingestor.saturated) await ingestor.drain();
    else await new Promise((resolve) => setImmediate(resolve));
  }
}
const report = await ingestor.close();
const seconds = (performance.now() - started) / 1000;
server.send('count');
const stored = await new Promise<{ events: number; ingestRequests: number }>((resolve) => server.once('message', resolve as never));
server.kill();
process.stdout.write(
  `${JSON.stringify(
    {
      points: POINTS,
      seconds: Number(seconds.toFixed(2)),
      pointsPerSecond: Math.round(POINTS / seconds),
      logNanosecondsPerPoint: Math.round((logTime * 1e6) / POINTS),
      heapGrowthMB: Number(((heapPeak - heapBefore) / 2 ** 20).toFixed(1)),
      report: { ...report, failures: report.failures.length },
      serverStored: stored.events,
      requests: stored.ingestRequests,
    },
    null,
    2,
  )}\n`,
);
