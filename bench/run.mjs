// `npm run bench`: per-call overhead of the trainwire client against raw fetch and bare openapi-fetch,
// side by side in one process, over real HTTP on loopback. Measures and prints; asserts nothing.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { ConformanceClient } from '@trainwire/conformance';
import createClient from 'openapi-fetch';

const CALLS = Number(process.env.BENCH_CALLS ?? 5_000);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const CONCURRENCY = 50;

const server = fork(new URL('./server.mjs', import.meta.url));
const port = await new Promise((resolve) => server.once('message', (message) => resolve(message.port)));
const base = `http://127.0.0.1:${port}`;
const headers = { 'X-API-Key': 'bench-key-0123456789', Accept: 'application/json' };
const body = JSON.stringify({ name: 'lora-1', base_model: 'llama-3-8b' });

const bare = createClient({ baseUrl: base, headers });
const client = (validate) =>
  new ConformanceClient({
    apiKey: 'bench-key-0123456789',
    baseURL: base,
    logLevel: 'off',
    validateResponses: validate,
    validateRequests: validate,
  });
const withValidation = client(true);
const withoutValidation = client(false);

const variants = {
  'raw fetch': {
    get: () => fetch(`${base}/v1/runs/run-1`, { headers }).then((response) => response.json()),
    post: () =>
      fetch(`${base}/v1/runs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body }).then((response) =>
        response.json(),
      ),
  },
  'openapi-fetch': {
    get: () => bare.GET('/v1/runs/{run_id}', { params: { path: { run_id: 'run-1' } } }),
    post: () => bare.POST('/v1/runs', { body: { name: 'lora-1', base_model: 'llama-3-8b' } }),
  },
  'trainwire (defaults)': {
    get: () => withValidation.getRun('run-1'),
    post: () => withValidation.createRun({ name: 'lora-1', base_model: 'llama-3-8b' }),
  },
  'trainwire (validation off)': {
    get: () => withoutValidation.getRun('run-1'),
    post: () => withoutValidation.createRun({ name: 'lora-1', base_model: 'llama-3-8b' }),
  },
};

async function sequential(call) {
  const started = performance.now();
  for (let index = 0; index < CALLS; index++) await call();
  return CALLS / ((performance.now() - started) / 1000);
}

async function concurrent(call) {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < CALLS) await call();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return CALLS / ((performance.now() - started) / 1000);
}

const median = (values) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];
const rows = [];
for (const method of ['get', 'post']) {
  for (const [mode, measure] of [
    ['sequential', sequential],
    [`concurrency ${CONCURRENCY}`, concurrent],
  ]) {
    const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    for (const name of Object.keys(variants)) await measure(variants[name][method]); // warm up
    // Interleave the variants run by run, so drift on a shared machine hits them alike.
    for (let run = 0; run < RUNS; run++) {
      for (const [name, variant] of Object.entries(variants)) samples[name].push(await measure(variant[method]));
    }
    const raw = median(samples['raw fetch']);
    for (const [name, values] of Object.entries(samples)) {
      rows.push({
        call: `${method.toUpperCase()} ${mode}`,
        client: name,
        median: Math.round(median(values)),
        min: Math.round(Math.min(...values)),
        max: Math.round(Math.max(...values)),
        ratio: Number((median(values) / raw).toFixed(2)),
      });
    }
  }
}
server.disconnect();

const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  node: process.version,
  date: new Date().toISOString(),
};
const header = '| call | client | calls/s (median) | min | max | vs raw fetch |\n|---|---|---:|---:|---:|---:|';
const table = [
  header,
  ...rows.map((row) => `| ${row.call} | ${row.client} | ${row.median} | ${row.min} | ${row.max} | ${row.ratio} |`),
].join('\n');
const markdown = `# Per-call overhead\n\n${CALLS} calls per run, median of ${RUNS} runs (min and max beside it), real HTTP on loopback (node:http server in its own process, ~150-byte JSON).\nMachine: ${machine.cpus}, ${machine.memory}; Node ${machine.node}; ${machine.date}.\n\n${table}\n`;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/latest.json', import.meta.url),
  `${JSON.stringify({ machine, calls: CALLS, runs: RUNS, rows }, null, 2)}\n`,
);
writeFileSync(new URL('./results/latest.md', import.meta.url), markdown);
console.log(markdown);
