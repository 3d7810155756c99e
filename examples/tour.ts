// `npm run demo`: the main job. Starts the sandbox in-process (every service mocked on one loopback
// port, checked against its spec) and tours the five services with the SDKs and the middleman CLI.
// Prints what each step did; any failure exits non-zero naming the step.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiddlemanClient } from '@trainwire/jobs';
import { SyvainMetricsApiClient } from '@trainwire/metrics';
import { connect } from '@trainwire/metrics/runicorn';
import { startSandbox } from '@trainwire/sandbox';
import { type Datum, ServiceClient } from '@trainwire/tinker';
import { GENESIS_HASH, ServiceClient as TenSafeClient, verifyAuditChain } from '@trainwire/tinker/tensafe';

const POINTS = 100_000;
const began = performance.now();
const scratch = await mkdtemp(join(tmpdir(), 'trainwire-tour-'));
const sandbox = await startSandbox({
  port: 0,
  seed: 7,
  speed: 100,
  // Faults on the metrics service only: the ingestor must deliver every point exactly once anyway.
  faults: { rate: 0.2, kinds: ['429', '500', '503', 'reset', 'reset-after', 'truncate'], services: ['metrics'], retryAfterMs: 20, seed: 7 },
});
const { env } = sandbox;

const report: string[] = [];
let section = '';
async function step<T>(name: string, action: () => Promise<[T, string]>): Promise<T> {
  const start = performance.now();
  try {
    const [value, summary] = await action();
    report.push(`  ✓ ${name.padEnd(52)} ${summary}  (${Math.round(performance.now() - start)} ms)`);
    return value;
  } catch (error) {
    console.log(report.join('\n'));
    console.error(`\n✗ ${section}: "${name}" failed\n  ${(error as Error)?.name}: ${(error as Error)?.message}`);
    await shutdown();
    process.exit(1);
  }
}
function heading(name: string) {
  section = name;
  report.push(`\n${name}`);
}
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
async function shutdown() {
  await sandbox.close();
  await rm(scratch, { recursive: true, force: true });
}

// ── Tinker ─────────────────────────────────────────────────────────────────────────────────────
heading('Tinker');
const tinker = new ServiceClient({ apiKey: env.TINKER_API_KEY, baseURL: sandbox.urls.tinker, logLevel: 'off' });
const rest = tinker.createRestClient();
const datum = (tokens: number[]): Datum => ({
  model_input: { chunks: [{ type: 'encoded_text', tokens }] },
  loss_fn_inputs: {
    target_tokens: { data: [...tokens.slice(1), 2], dtype: 'int64' },
    weights: { data: tokens.map(() => 1), dtype: 'float32' },
  },
});
const training = await step('create a LoRA training client', async () => {
  const client = await tinker.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 16 });
  return [client, `model ${client.modelId}`];
});
await step('3 forward/backward + optim steps (futures)', async () => {
  const losses: number[] = [];
  for (let index = 0; index < 3; index++) {
    const output = await training.forwardBackward([datum([1, 2, 3, 4 + index])], 'cross_entropy');
    await training.optimStep({ learning_rate: 1e-4 });
    losses.push(Number(output.metrics['loss:sum']));
  }
  return [losses, `loss ${losses.map((loss) => loss.toFixed(3)).join(' → ')}`];
});
const checkpoint = await step('save a checkpoint for the sampler', async () => {
  const saved = await training.saveWeightsForSampler('tour-step-3');
  return [saved.path, saved.path];
});
await step('list checkpoints page by page', async () => {
  let pages = 0;
  let count = 0;
  for await (const page of rest.listUserCheckpoints({ limit: 4 }).pages()) {
    pages += 1;
    count += page.checkpoints.length;
  }
  check(count > 0, 'no checkpoints listed');
  return [count, `${count} checkpoints in ${pages} pages`];
});
await step('get its archive URL (503 while building)', async () => {
  const { url } = await rest.getCheckpointArchiveUrlFromTinkerPath(checkpoint);
  return [url, new URL(url).host];
});
await step('publish it and set a 1-day TTL', async () => {
  await rest.publishCheckpointFromTinkerPath(checkpoint);
  await rest.setCheckpointTtlFromTinkerPath(checkpoint, 86_400);
  return [undefined, 'published, expires in 86400 s'];
});
await step('read the audit log', async () => {
  const log = await rest.getAuditLog({ event_type: 'checkpoints' });
  check(
    log.entries.some((entry) => entry.tinker_path === checkpoint),
    'the publish is not in the audit log',
  );
  return [log, `${log.entries.length} checkpoint events today`];
});

// ── TenSafe ────────────────────────────────────────────────────────────────────────────────────
heading('TenSafe');
const tensafe = new TenSafeClient({
  apiKey: env.TS_API_KEY,
  baseURL: sandbox.urls.tensafe,
  tenantId: env.TS_TENANT_ID,
  pollInterval: 50,
  logLevel: 'off',
});
const tsClient = await step('create a training client', async () => {
  const client = await tensafe.createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 16 } });
  return [client, client.id];
});
await step('3 training steps (202 futures)', async () => {
  const batch = { input_ids: [[101, 2023, 2003, 102]], attention_mask: [[1, 1, 1, 1]] };
  const losses: number[] = [];
  for (let index = 0; index < 3; index++) {
    const result = await tsClient.forwardBackward(batch);
    await tsClient.optimStep();
    losses.push(result.loss);
  }
  return [losses, `loss ${losses.map((loss) => loss.toFixed(3)).join(' → ')}`];
});
const saved = await step('save the encrypted state', async () => {
  const state = await tsClient.saveState({ metadata: { tag: 'tour' } });
  return [state, `artifact ${state.artifact_id}`];
});
await step('pull the encrypted artifact to a file', async () => {
  const destination = join(scratch, 'checkpoint.bin');
  const pulled = await tensafe.pullArtifact(saved.artifact_id, { destination });
  const size = (await stat(destination)).size;
  check(size === pulled.bytesWritten, `file holds ${size} bytes, ${pulled.bytesWritten} were written`);
  return [pulled, `${(size / 1024).toFixed(0)} KiB, ${pulled.encryption.algorithm}`];
});
await step('verify the audit hash chain', async () => {
  const entries = await tensafe.getAuditLogs().toArray();
  const result = verifyAuditChain(entries, { previousHash: GENESIS_HASH });
  check(result.valid, result.message ?? 'the audit chain is broken');
  return [result, `${entries.length} entries, chain intact`];
});

// ── Syvain Metrics ─────────────────────────────────────────────────────────────────────────────
heading('Syvain Metrics');
const metrics = new SyvainMetricsApiClient(env.SYVAIN_METRICS_API_KEY as string, { host: sandbox.urls.metrics, logLevel: 'off' });
const experiment = await step('create a folder and an experiment', async () => {
  const { folder } = await metrics.createFolder('tour');
  const { experiment } = await metrics.createExperiment(`tour-${Date.now().toString(36)}`, {
    folder_id: folder.id,
    description: 'npm run demo',
  });
  return [experiment, `${folder.name}/${experiment.slug}`];
});
await step(`stream ${POINTS.toLocaleString('en')} points through the ingestor`, async () => {
  const ingestor = metrics.ingestor(experiment.id, { batchSize: 2_000, flushInterval: 200, concurrency: 4 });
  for (let step = 0; step < POINTS / 2; step++) {
    const progress = step / (POINTS / 2);
    ingestor.log('loss', 2.5 * Math.exp(-4 * progress) + 0.1, { step, metadata: { split: 'train' } });
    ingestor.log('loss', 2.6 * Math.exp(-3.5 * progress) + 0.15, { step, metadata: { split: 'eval' } });
    if (ingestor.saturated) await ingestor.drain();
  }
  const result = await ingestor.close();
  check(result.failed === 0, `${result.failed} points failed: ${result.failures[0]?.reason}`);
  const faults = sandbox.faults();
  const injected = Object.values(faults).reduce((sum: number, count) => sum + Number(count), 0);
  return [result, `${result.accepted} accepted, ${result.duplicates} duplicates after ${injected} injected faults`];
});
await step('compare the train and eval series', async () => {
  const series = ['train', 'eval'].map((split) => ({
    experiment_id: experiment.id,
    metric_name: 'loss',
    metadata_key: 'split',
    metadata_value: split,
  }));
  const { rows } = await metrics.compareMetrics(series, { limit: 5 });
  const { values } = await metrics.inspectMetricCatalogValues(experiment.id, 'loss', 'split');
  const arrived = values.reduce((sum, value) => sum + value.count, 0);
  check(arrived === POINTS, `${arrived} points arrived, expected exactly ${POINTS}`);
  return [
    rows,
    `${arrived.toLocaleString('en')} arrived (${values.map((value) => `${value.value} ${value.count}`).join(', ')}); ${rows.length} rows compared`,
  ];
});

// ── Runicorn ───────────────────────────────────────────────────────────────────────────────────
heading('Runicorn');
const runicorn = await connect(sandbox.urls.runicorn, { logLevel: 'off' });
const runs = await step('list experiments', async () => {
  const list = await runicorn.listExperiments({ limit: 10 });
  check(list.length > 0, 'no experiments');
  return [list, `${list.length} runs, e.g. ${list[0]?.name ?? list[0]?.id}`];
});
await step('read metrics', async () => {
  const { metrics: curves } = await runicorn.getMetrics(runs[0]!.id);
  const names = Object.keys(curves);
  return [curves, `${names.length} metrics (${names.slice(0, 3).join(', ')}), ${curves[names[0]!]?.length ?? 0} points each`];
});
await step('export CSV', async () => {
  const csv = new TextDecoder().decode(await runicorn.exportExperiment(runs[0]!.id, { format: 'csv' }));
  const lines = csv.trim().split('\n');
  return [csv, `${lines.length - 1} rows × ${lines[0]?.split(',').length} columns`];
});

// ── Middleman ──────────────────────────────────────────────────────────────────────────────────
heading('Middleman');
const middleman = new MiddlemanClient({ apiKey: env.MIDDLEMAN_API_KEY, baseURL: sandbox.urls.jobs, logLevel: 'off' });
const before = await step('check the balance', async () => {
  const balance = await middleman.getBalance();
  return [balance, `${balance.available} credits available`];
});
const job = await step('create a job', async () => {
  const created = await middleman.createJob({
    name: 'tour-resnet',
    script_path: '/scripts/train.py',
    input_data_path: '/data/imagenet-mini',
    gpu_type: 'a100',
    gpu_count: 2,
    framework: 'pytorch',
    max_runtime_hours: 2,
  });
  return [created, `${created.id.slice(0, 8)} queued at ${created.queue_position}, ${created.estimated_cost} credits reserved`];
});
await step('middleman jobs watch (the CLI) until it completes', async () => {
  const bin = createRequire(import.meta.url)
    .resolve('@trainwire/jobs/package.json')
    .replace(/package\.json$/, 'dist/cli/main.js');
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'jobs', 'watch', job.id, '--interval', '0.05'], {
      env: { ...process.env, MIDDLEMAN_API_URL: sandbox.urls.jobs, MIDDLEMAN_API_KEY: env.MIDDLEMAN_API_KEY, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.stderr.on('data', (chunk) => {
      text += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`middleman exited ${code}: ${text.trim().split('\n').at(-1)}`)),
    );
  });
  const lines = output.trim().split('\n');
  return [output, `${lines.length} status lines, last: ${lines.at(-1)?.trim()}`];
});
await step('print the final cost', async () => {
  const done = await middleman.getJob(job.id);
  check(done.status === 'completed', `job is ${done.status}`);
  const after = await middleman.getBalance();
  return [done, `${done.actual_cost} credits charged; balance ${before.available} → ${after.available}`];
});

await shutdown();
const faults = sandbox.faults();
console.log(`trainwire tour: five services on ${sandbox.url} (in-process sandbox, seed 7)`);
console.log(report.join('\n'));
console.log(
  `\nfaults injected into Syvain Metrics requests: ${Object.entries(faults)
    .filter(([, count]) => Number(count) > 0)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ')}`,
);
console.log(`done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
