// Section 3 of issue 7: streaming. TenSafe `pullArtifact` of a STREAM_BYTES artifact (default 1 GiB)
// to a file, and Middleman `uploadFile` of a file of that size (by path), against raw fetch piped to
// a file (with and without fsync, which pullArtifact does) and a raw fetch PUT of a file stream. Each
// run is a fresh process, so its peak RSS is its own; the server generates and drops the bytes.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, interleave, runWorker, summarize } from './lib.mjs';

/** Bytes per transfer; `BENCH_STREAM_BYTES` scales it down. */
export const STREAM_BYTES = Number(process.env.BENCH_STREAM_BYTES ?? 2 ** 30);
/** Runs per figure, 5 as for every other figure (`BENCH_STREAM_RUNS` lowers it for a quick look). */
export const STREAM_RUNS = Number(process.env.BENCH_STREAM_RUNS ?? 5);

const worker = new URL('./stream-worker.mjs', import.meta.url);
const GROUPS = [
  { case: 'download to a file', idle: 'idle pull', variants: ['pull trainwire', 'pull raw', 'pull raw + fsync'], versus: 'pull raw' },
  {
    case: 'upload a file (path)',
    idle: 'idle upload',
    variants: ['upload trainwire', 'upload raw', 'upload raw, no redirect', 'upload node:http'],
    versus: 'upload raw',
  },
];
const LABELS = {
  'idle pull': 'node + @trainwire/tinker/tensafe loaded, no transfer',
  'idle upload': 'node + @trainwire/jobs loaded, no transfer',
  'pull trainwire': 'TenSafe pullArtifact({ destination })',
  'pull raw': 'raw fetch → pipeline → file',
  'pull raw + fsync': 'raw fetch → pipeline → file, fsync',
  'upload trainwire': 'Middleman uploadFile(path)',
  'upload raw': 'raw fetch PUT of createReadStream',
  'upload raw, no redirect': "raw fetch PUT of createReadStream, redirect: 'error'",
  'upload node:http': 'node:http PUT, pipeline(createReadStream)',
};

async function writeFile(path, size) {
  const chunk = Buffer.alloc(1 << 20, 0xa5);
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= chunk.length) {
    if (!out.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

export async function stream(server) {
  const scratch = mkdtempSync(join(tmpdir(), 'trainwire-bench-'));
  const file = join(scratch, 'upload.bin');
  const rows = [];
  const section = 'Streaming';
  try {
    await writeFile(file, STREAM_BYTES);
    const run = async (variant) => {
      await ask(server, { ask: 'reset' });
      const result = await runWorker(worker, [server.url, variant, STREAM_BYTES, file, scratch]);
      if (variant.startsWith('upload')) {
        const { uploadedBytes } = await ask(server, { ask: 'count' });
        if (uploadedBytes !== STREAM_BYTES) throw new Error(`${variant}: the server received ${uploadedBytes} bytes of ${STREAM_BYTES}`);
      } else if (!variant.startsWith('idle') && result.bytes !== STREAM_BYTES) {
        throw new Error(`${variant}: wrote ${result.bytes} bytes of ${STREAM_BYTES}`);
      }
      return result;
    };
    const idle = await interleave(
      GROUPS.map((group) => group.idle),
      async (variant) => (await run(variant)).peakRss / 2 ** 20,
      { runs: STREAM_RUNS, warmUp: async () => {}, label: 'stream idle' },
    );
    for (const group of GROUPS)
      rows.push({ section, case: 'baseline', client: LABELS[group.idle], unit: 'MB peak RSS', ...pick(idle.get(group.idle)) });
    for (const group of GROUPS) {
      const rss = new Map(group.variants.map((variant) => [variant, []]));
      const rates = await interleave(
        group.variants,
        async (variant) => {
          const { seconds, peakRss } = await run(variant);
          rss.get(variant).push(peakRss / 2 ** 20);
          return STREAM_BYTES / 2 ** 20 / seconds;
        },
        { runs: STREAM_RUNS, warmUp: async () => {}, label: `stream ${group.case}` },
      );
      const base = rates.get(group.versus).median;
      const kase = `${group.case}, ${formatBytes(STREAM_BYTES)}`;
      for (const variant of group.variants) {
        const rate = rates.get(variant);
        rows.push({
          section,
          case: kase,
          client: LABELS[variant],
          unit: 'MiB/s',
          ...pick(rate),
          ratio: rate.median / base,
          versus: LABELS[group.versus],
        });
      }
      for (const variant of group.variants) {
        rows.push({ section, case: kase, client: LABELS[variant], unit: 'MB peak RSS', ...pick(summarize(rss.get(variant))) });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

const pick = ({ median, min, max }) => ({ median, min, max });
const formatBytes = (bytes) => (bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

/** Each target of the issue next to what was measured. */
export function streamTargets(rows) {
  const find = (client, unit) => rows.find((row) => row.section === 'Streaming' && row.client === LABELS[client] && row.unit === unit);
  return ['pull', 'upload'].map((direction) => {
    const rate = find(`${direction} trainwire`, 'MiB/s');
    const memory = find(`${direction} trainwire`, 'MB peak RSS');
    if (!rate || !memory) return '';
    return `Target (${LABELS[`${direction} trainwire`]}): peak RSS under 100 MB — ${memory.median.toFixed(0)} MB, ${memory.median < 100 ? 'met' : 'missed'}; within 20% of raw fetch — ${(rate.ratio * 100).toFixed(0)}% of it, ${rate.ratio >= 0.8 ? 'met' : 'missed'}.`;
  });
}

export const streamNote = () =>
  `Streaming: ${formatBytes(STREAM_BYTES)} per transfer, ${STREAM_RUNS} runs per client${STREAM_RUNS < 5 ? ' (fewer than 5, set by BENCH_STREAM_RUNS)' : ''}, each in a fresh process; MB peak RSS is that process's own high-water mark (VmHWM, MiB; getrusage's maxRSS would also count the pages of the runner it was forked from), Node and the package included (see the baseline rows: each run loads only the package it uses). The server (own process) generates the artifact in 64 KiB chunks under backpressure and counts and drops uploaded bytes; the file lives in the OS temp dir (page cache). A fetch of a streamed body that may follow redirects makes the Fetch standard's HTTP-network-or-cache step send a clone of the request, whose body is teed: the branch nobody reads keeps every byte, so the raw fetch PUT peaks near the file's size; with redirect: 'error' (as uploadFile sends) it does not. The node:http row shows the platform's floor.`;
