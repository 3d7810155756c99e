// Section 2 of issue 7: metrics ingestion. POINTS points (default 1,000,000) through
// `SyvainMetricsApiClient(...).ingestor(...)` against a naive loop that POSTs each 5,000-event batch
// in turn with fetch, each run in a fresh process (so peak RSS is that run's own), to a loopback
// server that dedupes by `client_event_id`; after each run the server says how many distinct events arrived.
import { ask, interleave, runWorker, settings, summarize } from './lib.mjs';

/** Points per run; `BENCH_POINTS` scales it down. */
export const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const EXPERIMENT = '3f1c2b7e-6a1d-4b9e-9c4e-2a7d5f0e8b11';
const LABELS = { trainwire: 'trainwire ingestor (defaults)', naive: 'naive fetch loop, batch by batch' };
const worker = new URL('./ingest-worker.mjs', import.meta.url);

export async function ingest(server) {
  const arrived = { trainwire: [], naive: [] };
  const rss = { trainwire: [], naive: [] };
  const rates = await interleave(
    ['trainwire', 'naive'],
    async (client) => {
      await ask(server, { ask: 'reset' });
      const { seconds, peakRss } = await runWorker(worker, [server.url, client, POINTS, EXPERIMENT]);
      const { events } = await ask(server, { ask: 'count' });
      arrived[client].push(events);
      rss[client].push(peakRss / 2 ** 20);
      return POINTS / seconds;
    },
    { warmUp: async () => {}, label: 'ingest' },
  );
  const rows = [];
  const section = 'Metrics ingestion';
  const kase = `${POINTS.toLocaleString('en-US')} points`;
  const base = rates.get('naive').median;
  for (const client of ['trainwire', 'naive']) {
    const rate = rates.get(client);
    rows.push({
      section,
      case: kase,
      client: LABELS[client],
      unit: 'points/s',
      median: rate.median,
      min: rate.min,
      max: rate.max,
      ratio: rate.median / base,
      versus: LABELS.naive,
    });
    const memory = summarize(rss[client]);
    rows.push({
      section,
      case: kase,
      client: LABELS[client],
      unit: 'MB peak RSS',
      median: memory.median,
      min: memory.min,
      max: memory.max,
    });
    const counts = summarize(arrived[client]);
    rows.push({
      section,
      case: kase,
      client: LABELS[client],
      unit: `events arrived (of ${POINTS.toLocaleString('en-US')})`,
      median: counts.median,
      min: counts.min,
      max: counts.max,
    });
  }
  return rows;
}

/** Each target of the issue next to what was measured. */
export function ingestTargets(rows) {
  const find = (unit) =>
    rows.find((row) => row.section === 'Metrics ingestion' && row.client === LABELS.trainwire && row.unit.startsWith(unit));
  const rate = find('points/s');
  const memory = find('MB peak RSS');
  const count = find('events arrived');
  if (!rate || !memory || !count) return [];
  return [
    `Target (ingestor): at least 200,000 points/s — ${Math.round(rate.median).toLocaleString('en-US')}, ${rate.median >= 200_000 ? 'met' : 'missed'} (slowest run ${Math.round(rate.min).toLocaleString('en-US')}); peak RSS under 200 MB — ${memory.median.toFixed(0)} MB, ${memory.max < 200 ? 'met' : 'missed'}; exactly ${POINTS.toLocaleString('en-US')} arrived in every run — ${count.min === POINTS && count.max === POINTS ? 'yes' : 'no'}.`,
  ];
}

export const ingestNote = () =>
  `Ingestion: ${POINTS.toLocaleString('en-US')} points per run (a loss and an accuracy per step, yielding every 1,000 points as a training loop awaits its GPU), ${settings.runs} runs per client, each in a fresh process (peak RSS = that process's own high-water mark, VmHWM, Node's baseline included; getrusage's maxRSS would also count the pages of the runner it was forked from); the server (own process) dedupes by client_event_id and counts distinct events. Naive: JSON.stringify of 5,000 event objects, POSTed one after another with fetch.`;
