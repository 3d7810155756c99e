// `npm run demo`: a tour of @trainwire/core through the conformance client, over real HTTP on
// loopback, with faults injected. Prints what each step did; exits non-zero naming a failed step.
import { ConformanceClient } from '@trainwire/conformance';
import { createConformanceMock } from '@trainwire/conformance/msw';
import { InvalidRequestError, NotFoundError } from '@trainwire/core';
import { serveHandlers } from './serve-handlers.mjs';

const API_KEY = 'cf-demo-key-0123456789';
const started = performance.now();
const faults = { reset: 0, unavailable: 0, limited: 0 };

// The mock answers at whatever URL it is given; the server needs its own port first.
const mock = { handlers: [] };
const server = await serveHandlers(mock.handlers, {
  fault(_request, count) {
    // Every 7th request fails once in one of three ways; the client must ride through all of them.
    if (count % 7 !== 0) return undefined;
    const kind = ['unavailable', 'limited', 'reset'][(count / 7) % 3];
    faults[kind] += 1;
    if (kind === 'reset') return 'reset';
    if (kind === 'limited')
      return Response.json({ error: { code: 'rate_limited', message: 'slow down' } }, { status: 429, headers: { 'retry-after-ms': '20' } });
    return Response.json({ error: { code: 'unavailable', message: 'try again' } }, { status: 503, headers: { 'retry-after-ms': '20' } });
  },
});
const state = createConformanceMock({ baseURL: server.url, apiKey: API_KEY, runs: 12, pollsUntilDone: 2 });
mock.handlers.push(...state.handlers);

const client = new ConformanceClient({ apiKey: API_KEY, baseURL: server.url, maxRetries: 4, logLevel: 'error' });
const lines = [];
async function step(name, action) {
  const begin = performance.now();
  try {
    const summary = await action();
    lines.push(`  ✓ ${name.padEnd(42)} ${summary}  (${Math.round(performance.now() - begin)} ms)`);
  } catch (error) {
    console.error(`✗ step failed: ${name}\n  ${error?.name}: ${error?.message}`);
    await server.close();
    process.exit(1);
  }
}
function check(condition, message) {
  if (!condition) throw new Error(message);
}

await step('list base models (not paged)', async () => {
  const models = [];
  for await (const model of client.listModels()) models.push(model.name);
  check(models.length === 2, `expected 2 models, got ${models.length}`);
  return models.join(', ');
});

let runs;
await step('create 5 runs (idempotent POSTs)', async () => {
  const before = state.state.runs.length;
  runs = await Promise.all(
    Array.from({ length: 5 }, (_, index) => client.createRun({ name: `lora-${index}`, base_model: 'llama-3-8b', rank: 16 })),
  );
  const created = state.state.runs.length - before;
  check(created === 5, `server holds ${created} new runs, expected exactly 5`);
  return `${created} created, none twice`;
});

await step('walk every run page by page (offset)', async () => {
  let pages = 0;
  let count = 0;
  for await (const page of client.listRuns({ limit: 4 }).pages()) {
    pages += 1;
    count += page.runs.length;
  }
  check(count === 17, `expected 17 runs, saw ${count}`);
  return `${count} runs in ${pages} pages`;
});

await step('train: 3 steps through futures', async () => {
  const queueStates = [];
  const losses = [];
  for (const kind of ['forward_backward', 'optim_step', 'optim_step']) {
    const future = client.submitStep(runs[0].id, { kind, learning_rate: 1e-4 });
    future.onProgress((progress) => queueStates.push(progress.queue_state));
    losses.push((await future.result({ timeout: 10_000 })).loss);
  }
  return `loss ${losses.join(' → ')}; ${queueStates.length} pending polls seen`;
});

await step('resume a future from its token', async () => {
  const future = client.submitStep(runs[1].id, { kind: 'optim_step' });
  await future.submitted();
  const token = future.serialize();
  const resumed = client.resumeStep(token);
  const result = await resumed;
  check(resumed.id === future.id, 'resumed future has another id');
  return `${future.id} resumed → step ${result.step}`;
});

await step('read events page by page (page/per_page)', async () => {
  const events = await client.listEvents({ per_page: 5 }).toArray();
  check(events.length === 17, `expected 17 events, got ${events.length}`);
  return `${events.length} events`;
});

await step('checkpoints by cursor, stop after 5', async () => {
  const ids = [];
  for await (const checkpoint of client.listCheckpoints({ limit: 2 })) {
    ids.push(checkpoint.id);
    if (ids.length === 5) break;
  }
  return `${ids.length} checkpoints, last ${ids.at(-1)}`;
});

await step('download a checkpoint archive', async () => {
  const bytes = await client.downloadCheckpoint(state.state.checkpoints[0].id);
  check(bytes.length > 0 && bytes[1] === 1, 'archive bytes are wrong');
  return `${bytes.length} bytes`;
});

await step('typed errors', async () => {
  const missing = await client.getRun('run-does-not-exist').catch((error) => error);
  check(missing instanceof NotFoundError && missing.status === 404, `expected NotFoundError, got ${missing?.name}`);
  const invalid = await client.createRun({ name: '', base_model: 'llama-3-8b' }).catch((error) => error);
  check(invalid instanceof InvalidRequestError && invalid.field === 'body.name', `expected InvalidRequestError, got ${invalid?.name}`);
  return `${missing.name} (404), ${invalid.name} (${invalid.field}, not sent)`;
});

await step('delete a run', async () => {
  await client.deleteRun(runs[4].id);
  const gone = await client.getRun(runs[4].id).catch((error) => error);
  check(gone instanceof NotFoundError, 'run still exists');
  return `${runs[4].id} deleted`;
});

await server.close();
console.log('trainwire tour — @trainwire/core through the conformance client, over HTTP on loopback');
console.log(lines.join('\n'));
console.log(
  `\n  ${server.requests()} HTTP requests; faults injected: ${faults.unavailable}× 503, ${faults.limited}× 429, ${faults.reset}× connection reset — all ridden through`,
);
console.log(`  done in ${Math.round(performance.now() - started)} ms`);
