import { MiddlemanClient } from '@trainwire/jobs';
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
      return { loss: output.metrics['loss:sum'], path: saved.path, checkpoints: listed.checkpoints.map((item) => item.checkpoint_id) };
    } finally {
      client.close();
    }
  },
  async tensafe(env) {
    const client = new TenSafeClient({
      baseURL: env.TS_BASE_URL,
      apiKey: env.TS_API_KEY,
      tenantId: env.TS_TENANT_ID,
      logLevel: 'off',
      pollInterval: 5,
    });
    const training = await client.createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 8 } });
    const step = await training.forwardBackward({ input_ids: [[1, 2, 3]], attention_mask: [[1, 1, 1]] }).result();
    const saved = await training.saveState();
    const artifact = await client.pullArtifact(saved.artifact_id);
    const entries = [];
    for await (const entry of client.getAuditLogs()) entries.push(entry);
    return { loss: step.loss, artifactBytes: artifact.data.byteLength, audit: entries.length, chain: verifyAuditChain(entries).valid };
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
