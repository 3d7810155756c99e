// `npm run bench`: every benchmark section, side by side in one process run against a loopback
// server in its own process. Measures and prints one table; asserts nothing. Each section is a
// module that returns rows for the table (see lib.mjs); add a section by adding its module here.
import { settings, startServer, writeResults } from './lib.mjs';
import { overhead } from './overhead.mjs';

const server = await startServer(new URL('./server.mjs', import.meta.url));
const rows = [];
try {
  rows.push(...(await overhead(server)));
} finally {
  server.stop();
}

writeResults({
  title: 'trainwire benchmarks',
  notes: [
    `Each figure is the median of ${settings.runs} runs of ${settings.calls.toLocaleString('en-US')} calls (min and max beside it), the clients interleaved run by run after a warm-up.`,
    `HTTP: a node:http server on loopback in its own process (~150-byte JSON answers)${server.pinned ? ', pinned to CPU 0 with the client on CPU 1 (taskset)' : ''}; ratios against raw fetch (higher is better).`,
    'Canned: an injected fetch returns a ready-made Response (no network); CPU time (user + system) per call; ratios against bare openapi-fetch (lower is better).',
    'Clients: trainwire = ConformanceClient with defaults (retries armed, auth, idempotency keys on POST, request and response validation), or with both validations off; axios and ky with their defaults.',
  ],
  rows,
  config: settings,
});
