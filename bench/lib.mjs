// Shared helpers of the benchmark sections: statistics, RSS sampling, the loopback server, the table.
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full garbage collection before every sample, so that no sample pays for the garbage the one
// before it left (a client that allocates much would otherwise slow down whichever runs next).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

/** Calls per run and runs per figure; `BENCH_CALLS` / `BENCH_RUNS` scale a quick run down. */
export const settings = {
  calls: Number(process.env.BENCH_CALLS ?? 20_000),
  runs: Math.max(1, Number(process.env.BENCH_RUNS ?? 5)),
};

/** Median, min and max of some samples. */
export function summarize(samples) {
  const sorted = [...samples].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), samples: sorted, inOrder: samples };
}

/**
 * The median over runs of `figure`'s sample divided by `reference`'s sample of the same run (both
 * from one {@link interleave}): a ratio that drift between runs on a shared machine cancels out of,
 * where the ratio of two medians of unpaired samples keeps it.
 */
export function pairedRatio(figure, reference) {
  return summarize(figure.inOrder.map((value, run) => value / reference.inOrder[run])).median;
}

/**
 * Run each variant `runs` times, interleaved run by run so that drift on a shared machine hits
 * them alike, after one warm-up each, with a full garbage collection before each sample.
 * `measure(variant)` returns one sample.
 */
export async function interleave(variants, measure, { runs = settings.runs, warmUp = measure, label = '' } = {}) {
  const samples = new Map(variants.map((variant) => [variant, []]));
  for (const variant of variants) await warmUp(variant);
  for (let run = 0; run < runs; run++) {
    for (const variant of variants) {
      collectGarbage();
      samples.get(variant).push(await measure(variant));
    }
    // Progress on stderr, so that a long run shows it is alive without touching the table.
    process.stderr.write(`${label} run ${run + 1}/${runs} done\n`);
  }
  return new Map([...samples].map(([variant, values]) => [variant, summarize(values)]));
}

/** Calls per second of `calls` calls of `call`, by `concurrency` workers that each await the previous call. */
export async function throughput(call, { calls = settings.calls, concurrency = 1 } = {}) {
  let next = 0;
  const worker = async () => {
    while (next++ < calls) await call();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return calls / ((performance.now() - started) / 1000);
}

/** CPU time (user + system) of this process per call, in microseconds, over `calls` sequential calls. */
export async function cpuPerCall(call, { calls = settings.calls } = {}) {
  const before = process.cpuUsage();
  for (let index = 0; index < calls; index++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

/** Sample this process's RSS every `interval` ms until `stop()`, which returns the peak in bytes. */
export function sampleRss(interval = 10) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, interval);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** Pin a process to one CPU with `taskset`, where there is one and more than one CPU; says whether it did. */
export function pin(pid, cpu) {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-cp', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Start a server script (it sends `{ port }` over IPC once it listens) in its own process, pinned
 * to CPU 0 while this process takes CPU 1, so that the server's work is not the client's.
 */
export async function startServer(script) {
  const child = fork(script, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pinned = pin(child.pid, 0) && pin(process.pid, 1);
  const port = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pinned, child, stop: () => child.disconnect() };
}

/** Send `message` to a server started by {@link startServer} and wait for its next IPC answer. */
export function ask(server, message) {
  return new Promise((resolve) => {
    server.child.once('message', resolve);
    server.child.send(message);
  });
}

/**
 * Run a worker script in a fresh Node process (so its peak RSS is its own) with `args`; it prints
 * one JSON line last on stdout, which is returned parsed.
 */
export function runWorker(script, args) {
  return new Promise((resolve, reject) => {
    const child = fork(script, args.map(String), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    pin(child.pid, 1);
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last));
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}: ${output.slice(-500)}`));
    });
  });
}

/** Whether a section runs: `BENCH_ONLY=ingest,stream` picks sections by name (all when unset). */
export function enabled(section) {
  const only = process.env.BENCH_ONLY;
  return (
    !only ||
    only
      .split(',')
      .map((name) => name.trim())
      .includes(section)
  );
}

/** The machine a run was made on. */
export function machine() {
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

const format = (value, digits) =>
  value === undefined || value === null ? '' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/**
 * One Markdown table of every row: `{ section, case, client, unit, median, min, max, ratio, versus }`.
 * `ratio` compares the row's median with the `versus` row of the same case.
 */
export function table(rows) {
  const lines = ['| benchmark | case | client | median | min | max | unit | ratio | vs |', '|---|---|---|---:|---:|---:|---|---:|---|'];
  for (const row of rows) {
    const digits = row.median < 100 ? 1 : 0;
    lines.push(
      `| ${row.section} | ${row.case} | ${row.client} | ${format(row.median, digits)} | ${format(row.min, digits)} | ${format(row.max, digits)} | ${row.unit} | ${format(row.ratio, 2)} | ${row.versus ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/** Print the table and write `bench/results/latest.json` and `latest.md`. */
/** The sections of the last results (`results/latest.json`), or none. */
export function previousSections() {
  try {
    return JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8')).sections ?? {};
  } catch {
    return {};
  }
}

/**
 * Write `results/latest.json` (every section's rows, notes, settings and when it was measured) and
 * `latest.md` (the notes and one table), and print the markdown.
 */
export function writeResults({ title, sections, order }) {
  const about = machine();
  const names = order.filter((name) => sections[name]);
  const dates = new Set(names.map((name) => sections[name].measuredAt.slice(0, 10)));
  const when = (name) => {
    const { measuredAt, config } = sections[name];
    return `_${name}: measured ${measuredAt}${config.pinned ? ', servers pinned to CPU 0 and the client (and its worker processes) to CPU 1 with taskset' : ''}._`;
  };
  const markdown = [
    `# ${title}`,
    '',
    `Machine: ${about.cpus}, ${about.memory}, ${about.platform}; Node ${about.node}; written ${about.date}${dates.size > 1 ? ' (sections measured on different runs, dated below)' : ''}.`,
    '',
    ...names.flatMap((name) => [...sections[name].notes.flatMap((note) => [note, '']), when(name), '']),
    table(names.flatMap((name) => sections[name].rows)),
    '',
  ].join('\n');
  const directory = new URL('./results/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const rows = names.flatMap((name) => sections[name].rows);
  writeFileSync(new URL('latest.json', directory), `${JSON.stringify({ machine: about, sections, rows }, null, 2)}\n`);
  writeFileSync(new URL('latest.md', directory), markdown);
  console.log(markdown);
}
