import { MiddlemanClient } from '@trainwire/jobs';
import { ComparisonMetricSeries, SyvainMetricsApiClient } from '@trainwire/metrics';
import { RunicornClient } from '@trainwire/metrics/runicorn';
import { ServiceClient as TinkerServiceClient } from '@trainwire/tinker';
import { TenSafeClient, verifyAuditChain } from '@trainwire/tinker/tensafe';
import type { SandboxServiceName } from '../sandbox-services.js';

/**
 * For every service the sandbox serves by default: a short, realistic session through the service's
 * SDK, configured only from the sandbox's env lines. Each returns facts a test can check.
 */
export const driveServices: Record<SandboxServiceName, (env: Record<string, string>) => Promise<Record<string, unknown>>> = {
  async tinker(env) {
    const client = new TinkerServiceClient({
      baseURL: env.TINKER_BASE_URL,
      apiKey: env.TINKER_API_KEY,
      logLevel: 'off',
      heartbeatInterval: 0,
    });
    try {
      const training = await client.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 8 });
      const tokens = [5, 6, 7, 8];
      const datum = {
        model_input: { chunks: [{ type: 'encoded_text' as const, tokens }] },
        loss_fn_inputs: {
          target_tokens: { data: [...tokens.slice(1), 2], dtype: 'int64' as const },
          weights: { data: tokens.map(() => 1), dtype: 'float32' as const },
        },
      };
      const output = await training.forwardBackward([datum], 'cross_entropy');
      await training.optimStep({ learning_rate: 1e-4 });
      const saved = await training.saveState('sandbox-step');
      const rest = client.createRestClient();
      const listed = await rest.listCheckpoints(training.modelId);
      let pages = 0;
      for await (const _page of rest.listUserCheckpoints({ limit: 4 }).pages()) pages += 1;
      const archive = await rest.getCheckpointArchiveUrlFromTinkerPath(saved.path);
      await rest.publishCheckpointFromTinkerPath(saved.path);
      await rest.setCheckpointTtlFromTinkerPath(saved.path, 3600);
      const audit = await rest.getAuditLog();
      return {
        loss: output.metrics['loss:sum'],
        path: saved.path,
        checkpoints: listed.checkpoints.map((item) => item.checkpoint_id),
        pages,
        archiveUrl: archive.url,
        auditEntries: audit.entries.length,
      };
    } finally {
      client.close();
    }
  },
  async tensafe(env) {
    const client = new TenSafeClient({
      baseURL: env.TS_BASE_URL,
      apiKey: env.TS_API_KEY,
      ...(env.TS_TENANT_ID && { tenantId: env.TS_TENANT_ID }),
      logLevel: 'off',
      pollInterval: 5,
    });
    const training = await client.createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 8 } });
    const step = await training.forwardBackward({ input_ids: [[1, 2, 3]], attention_mask: [[1, 1, 1]] }).result();
    const saved = await training.saveState();
    const artifact = await client.pullArtifact(saved.artifact_id);
    const entries = [];
    for await (const entry of client.getAuditLogs()) entries.push(entry);
    return { loss: step.loss, artifactBytes: artifact.byteLength, audit: entries.length, chain: verifyAuditChain(entries).valid };
  },
  async metrics(env) {
    const client = new SyvainMetricsApiClient(env.SYVAIN_METRICS_API_KEY, { host: env.SYVAIN_METRICS_HOST, maxRetries: 0 });
    const { folder } = await client.createFolder('sandbox');
    const { experiment } = await client.createExperiment('sandbox-run', { folder_id: folder.id });
    const ingestor = client.ingestor(experiment.id, { batchSize: 250, sync: true });
    for (let step = 0; step < 1000; step++) ingestor.log('loss', 2 / (step + 1), { step });
    const report = await ingestor.close();
    const compared = await client.compareMetrics([ComparisonMetricSeries({ experiment_id: experiment.id, metric_name: 'loss' })], {
      limit: 5,
    });
    let seeded = 0;
    for await (const _experiment of client.listExperiments()) seeded += 1;
    return { accepted: report.accepted, failed: report.failed, compared: compared.rows.length, experiments: seeded };
  },
  async runicorn(env) {
    const client = new RunicornClient({ baseURL: env.RUNICORN_BASE_URL, maxRetries: 0 });
    try {
      const experiments = await client.listExperiments();
      const first = experiments[0]?.id as string;
      const metrics = await client.getMetrics(first);
      const csv = new TextDecoder().decode(await client.exportExperiment(first, { format: 'csv' }));
      return { experiments: experiments.length, series: Object.keys(metrics.metrics), csvLines: csv.trim().split('\n').length };
    } finally {
      await client.close();
    }
  },
  async jobs(env) {
    const client = new MiddlemanClient({ baseURL: env.MIDDLEMAN_API_URL, apiKey: env.MIDDLEMAN_API_KEY, maxRetries: 0 });
    const balance = await client.getBalance();
    const blobPath = await client.uploadFile(new Blob([new Uint8Array(4096).fill(1)]), { filename: 'train.jsonl' });
    const created = await client.createJob({ name: 'sandbox-test', script_path: 'train.py', input_data_path: blobPath });
    let listed = 0;
    for await (const _job of client.listJobs()) listed += 1;
    const job = await client.getJob(created.id);
    return { available: balance.available, blobPath, status: created.status, listed, name: job.name };
  },
};
