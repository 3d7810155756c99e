// `npm run bench`: every benchmark section, side by side in one process run against loopback
// servers in their own processes. Measures and prints one table; asserts nothing. Each section is a
// module that returns rows for the table (see lib.mjs); add a section by adding its module here.
// `BENCH_ONLY=overhead,ingest,stream,futures,codegen` runs some sections and keeps the other sections
// of the last results (each with the date and settings it was measured with); `BENCH_RUNS`, `BENCH_CALLS`,
// `BENCH_POINTS`, `BENCH_STREAM_BYTES`, `BENCH_STREAM_RUNS`, `BENCH_FUTURE_MS`, `BENCH_LONG_FUTURE_MS` scale them.
import { codegenTypes, codegenTypesNote } from './codegen-types.mjs';
import { futures, futuresNote, LONG_OPERATION_MS, OPERATION_MS } from './futures.mjs';
import { ingest, ingestNote, ingestTargets, POINTS } from './ingest.mjs';
import { enabled, previousSections, settings, startServer, writeResults } from './lib.mjs';
import { overhead, overheadTargets } from './overhead.mjs';
import { STREAM_BYTES, STREAM_RUNS, stream, streamNote, streamTargets } from './stream.mjs';

/** What each section measured this run: its rows and notes, by name. */
const sections = {};
const measured = (name, rows, notes) => {
  sections[name] = { measuredAt: new Date().toISOString(), rows, notes };
};
let pinned = false;

if (enabled('overhead')) {
  const server = await startServer(new URL('./server.mjs', import.meta.url));
  pinned = server.pinned;
  let rows;
  try {
    rows = await overhead(server);
  } finally {
    server.stop();
  }
  measured('overhead', rows, [
    `Overhead: each figure is the median of ${settings.runs} runs of ${settings.calls.toLocaleString('en-US')} calls${settings.calls < 20_000 ? ' (reduced with BENCH_CALLS from the 20,000 of issue 7, to keep the whole run short)' : ''} (min and max beside it), the clients interleaved run by run after a warm-up.`,
    'Ratios are medians of per-run ratios: each run of a client divided by the same run of the reference (the clients take turns within a run), so drift between runs on a shared machine cancels out.',
    'HTTP: a node:http server on loopback in its own process (~150-byte JSON answers); ratios against raw fetch (higher is better).',
    'Canned: an injected fetch returns a ready-made Response (no network); CPU time (user + system) per call; ratios against bare openapi-fetch (lower is better). "openapi-fetch + timeout signal" is bare openapi-fetch given an AbortController\'s signal and a 60 s timer per call: the least CPU a client that can cancel an attempt spends on this Node\'s fetch.',
    'Clients: trainwire = ConformanceClient with defaults (retries armed, auth, idempotency keys on POST, request and response validation), or with both validations off; axios and ky with their defaults.',
    ...overheadTargets(rows),
  ]);
}

const services = [
  ['ingest', ingest, ingestNote, ingestTargets],
  ['stream', stream, streamNote, streamTargets],
  ['futures', futures, futuresNote, () => []],
].filter(([name]) => enabled(name));
if (services.length > 0) {
  const server = await startServer(new URL('./services-server.mjs', import.meta.url));
  pinned ||= server.pinned;
  try {
    for (const [name, section, note, targets] of services) {
      const added = await section(server);
      measured(name, added, [[note(), ...targets(added).filter(Boolean)].join(' ')]);
    }
  } finally {
    server.stop();
  }
}

if (enabled('codegen')) {
  measured('codegen', await codegenTypes(), [codegenTypesNote()]);
}

const config = {
  ...settings,
  only: process.env.BENCH_ONLY ?? 'all',
  points: POINTS,
  streamBytes: STREAM_BYTES,
  streamRuns: STREAM_RUNS,
  futureMs: OPERATION_MS,
  longFutureMs: LONG_OPERATION_MS,
  pinned,
};
for (const section of Object.values(sections)) section.config = config;
// A partial run keeps what the last results say of the sections it did not run.
const kept = process.env.BENCH_ONLY ? previousSections() : {};
writeResults({
  title: 'trainwire benchmarks',
  sections: { ...kept, ...sections },
  order: ['overhead', 'ingest', 'stream', 'futures', 'codegen'],
});
