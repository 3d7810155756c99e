// A training script as a user writes it, run as a child process against the built package:
// `node ingest-child.mjs <mode> <points>` with SYVAIN_METRICS_HOST, SYVAIN_METRICS_API_KEY,
// EXPERIMENT and optionally SPOOL_DIR, EXIT_TIMEOUT, RUN_ID, RESUME in the environment.
import { SyvainMetricsApiClient } from '@trainwire/metrics';

const [mode, count = '1000'] = process.argv.slice(2);
const points = Number(count);
const environment = process.env;
const client = new SyvainMetricsApiClient(environment.SYVAIN_METRICS_API_KEY, { host: environment.SYVAIN_METRICS_HOST });
const ingestor = client.ingestor(environment.EXPERIMENT, {
  // Neither the size nor the timer cuts a batch: what is sent at the end is the exit hooks' doing.
  flushInterval: 600_000,
  ...(environment.SPOOL_DIR && { spool: { dir: environment.SPOOL_DIR } }),
  ...(environment.EXIT_TIMEOUT && { exitTimeout: Number(environment.EXIT_TIMEOUT) }),
  ...(environment.RUN_ID && { runId: environment.RUN_ID }),
  ...(environment.RESUME && { resume: true }),
});
const say = (line) => process.stdout.write(`${line}\n`);

if (environment.SPOOL_DIR) await ingestor.checkpoint(); // the spool is open before anything is logged
if (mode === 'user-handler') {
  // The script's own SIGTERM handler: it decides how the process ends.
  process.on('SIGTERM', () => {
    say('user handler');
    setTimeout(() => process.exit(7), 100);
  });
}
for (let step = 0; step < points; step++) {
  if (mode === 'stepless') ingestor.log('gpu_util', step);
  else ingestor.log('loss', 1 / (step + 1), { step });
}
say(`logged ${points}`);
if (mode === 'exit') process.exit(3);
if (mode === 'stepless') say(JSON.stringify(await ingestor.close()));
// Wait for a signal: something must keep the process alive (a training loop would).
if (mode === 'idle' || mode === 'user-handler') setInterval(() => undefined, 1_000);
// 'no-close': the script just ends, without close().
