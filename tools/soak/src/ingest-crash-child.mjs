// A training job logging to Syvain with the ingestor's spool, run as a child process so the chaos
// test can SIGKILL it: `node ingest-crash-child.mjs log|sync` with SYVAIN_METRICS_HOST,
// SYVAIN_METRICS_API_KEY, EXPERIMENT, SPOOL_DIR and POINTS in the environment.
// `log` prints `durable <n>` each time every point of the steps below n is in the spool (checkpoint());
// `sync` sends what the spool holds and prints the report as JSON.
import { SyvainMetricsApiClient } from '@trainwire/metrics';

const environment = process.env;
const client = new SyvainMetricsApiClient(environment.SYVAIN_METRICS_API_KEY, {
  host: environment.SYVAIN_METRICS_HOST,
  timeout: 1_000,
  ingestTimeout: 1_000,
  maxRetries: 12,
  logLevel: 'off',
});
const dir = environment.SPOOL_DIR;

if (process.argv[2] === 'sync') {
  process.stdout.write(`${JSON.stringify(await client.syncSpool(environment.EXPERIMENT, { dir }))}\n`);
} else {
  const ingestor = client.ingestor(environment.EXPERIMENT, {
    spool: { dir },
    runId: 'crash-job',
    batchSize: 200,
    flushInterval: 20,
    concurrency: 4,
    maxRetries: 12,
  });
  const points = Number(environment.POINTS);
  for (let step = 0; step < points; step++) {
    ingestor.log('loss', 1 / (step + 1), { step });
    ingestor.log('gpu_util', step); // step-less: numbered in this process's session
    if ((step + 1) % 400 === 0) {
      await ingestor.checkpoint();
      process.stdout.write(`durable ${step + 1}\n`);
    } else if (step % 50 === 0) {
      await new Promise((resolve) => setImmediate(resolve)); // the training step's own work
    }
  }
  process.stdout.write(`${JSON.stringify(await ingestor.close())}\n`);
}
