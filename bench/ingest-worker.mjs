// One run of the ingestion section in its own process: `node ingest-worker.mjs <url> <client> <points> <experiment>`.
// Prints `{ seconds, peakRss }` as its last line; peak RSS is this process's own high-water mark (peak-rss.mjs).
import { SyvainMetricsApiClient } from '@trainwire/metrics';
import { peakRss } from './peak-rss.mjs';

const [url, client, pointsText, experiment] = process.argv.slice(2);
const points = Number(pointsText);
/** Points per training step (a loss and an accuracy), and how often the loop yields (a step awaiting the GPU). */
const PER_STEP = 2;
const YIELD_EVERY = 1000;
const BATCH = 5000;

async function trainwire() {
  const metrics = new SyvainMetricsApiClient('ak_org_bench_0123456789', { host: url, logLevel: 'off' });
  const ingestor = metrics.ingestor(experiment);
  for (let index = 0; index < points; index++) {
    ingestor.log(index % PER_STEP === 0 ? 'loss' : 'accuracy', Math.random(), {
      step: Math.floor(index / PER_STEP),
      metadata: { split: 'train' },
    });
    if (index % YIELD_EVERY === YIELD_EVERY - 1) {
      if (ingestor.saturated) await ingestor.drain();
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const report = await ingestor.close();
  if (report.accepted + report.duplicates !== points) throw new Error(`ingestor report: ${JSON.stringify(report)}`);
}

/** What a user writes without the ingestor: mint a key, collect events, POST each full batch in turn with fetch. */
async function naive() {
  const minted = await fetch(`${url}/api/v1/experiments/${experiment}/ingestion-keys`, {
    method: 'POST',
    headers: { authorization: 'Bearer ak_org_bench_0123456789', 'content-type': 'application/json' },
    body: '{}',
  });
  const { secret } = await minted.json();
  const post = async (metrics) => {
    const response = await fetch(`${url}/api/v1/experiments/${experiment}/metrics/ingest?sync=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ metrics }),
    });
    if (!response.ok) throw new Error(`ingest answered ${response.status}`);
    await response.json();
  };
  let batch = [];
  for (let index = 0; index < points; index++) {
    const name = index % PER_STEP === 0 ? 'loss' : 'accuracy';
    const step = Math.floor(index / PER_STEP);
    batch.push({
      client_event_id: `bench/${name}/${step}`,
      name,
      value: Math.random(),
      step,
      metadata: { split: 'train' },
      timestamp: new Date().toISOString(),
    });
    if (batch.length === BATCH) {
      await post(batch);
      batch = [];
    }
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  if (batch.length > 0) await post(batch);
}

const started = performance.now();
await (client === 'naive' ? naive() : trainwire());
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, peakRss: peakRss() }));
