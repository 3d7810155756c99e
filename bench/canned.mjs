// The canned CPU-per-call part of the overhead section alone, printed, on whichever Node runs it
// (`node bench/canned.mjs`, or another Node's binary): to compare runtimes without a full
// `npm run bench`. Writes nothing; `BENCH_CALLS` and `BENCH_RUNS` scale it as they scale the bench.
import { canned } from './overhead.mjs';

const rows = await canned();
console.log(`Node ${process.version}: CPU per call with a canned Response, ratio against bare openapi-fetch`);
for (const row of rows) {
  const range = `(min ${row.min.toFixed(1)}, max ${row.max.toFixed(1)})`;
  console.log(`${row.case.padEnd(5)} ${row.client.padEnd(32)} ${row.median.toFixed(1).padStart(7)} µs  ${row.ratio.toFixed(2)}×  ${range}`);
}
