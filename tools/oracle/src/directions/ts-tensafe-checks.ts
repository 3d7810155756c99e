import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FutureNotFoundError,
  ServiceClient,
  type TrainingClient,
  TrainingClientNotFoundError,
  type TrainingConfig,
  verifyAuditChain,
} from '@trainwire/tinker/tensafe';
import { TENSAFE_KEY, type TenSafeSeed } from '../servers/real-servers.js';
import { assertThat, type Check, expectError } from './check-runner.js';

/** Where the checks run: the real TenSafe server's origin and what tg_tinker made on it. */
export interface TenSafeTarget {
  origin: string;
  seed: TenSafeSeed;
  /** The run's scratch folder (downloads go below it). */
  scratch: string;
}

const CONFIG: TrainingConfig = { model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 16 } } as TrainingConfig;
const BATCH = { input_ids: [[101, 102, 103]], attention_mask: [[1, 1, 1]], labels: [[102, 103, 104]] };

/**
 * Every method seed 000 documents and its training client's, against the real TenSafe server (the
 * `tensorguard.platform.main` app, mock backend) holding data `tg_tinker` made. The server's own
 * defects (futures' results, cancel, artifact content, load_state all 500; no DELETE route) are in
 * upstream-defects.json: there the check asks our client to end with a typed error, fast.
 */
export function tensafeChecks(target: TenSafeTarget): Check[] {
  const { seed } = target;
  const service = new ServiceClient({ apiKey: TENSAFE_KEY, baseURL: `${target.origin}/api`, pollInterval: 250 });
  let training: TrainingClient | undefined;
  let artifactId: string | undefined;
  const trained = () => {
    assertThat(training, 'createTrainingClient failed, so there is no training client');
    return training;
  };

  return [
    {
      call: 'new ServiceClient(): tenantId, config',
      run: async ({ signal }) => {
        const { info } = await service.getTrainingClient(seed.training_client_id, { signal });
        assertThat(service.tenantId === info.tenant_id, `tenantId ${service.tenantId}, the server says ${info.tenant_id}`);
        assertThat(service.config.baseURL === `${target.origin}/api`, `config.baseURL ${service.config.baseURL}`);
      },
    },
    {
      call: 'createTrainingClient(config)',
      run: async ({ signal }) => {
        training = await service.createTrainingClient(CONFIG, {}, { signal });
        assertThat(/^tc-/.test(training.id) && training.info.model_ref === CONFIG.model_ref, `got ${JSON.stringify(training.info)}`);
      },
    },
    {
      call: 'getTrainingClient(id)',
      run: async ({ signal }) => {
        const handle = await service.getTrainingClient(seed.training_client_id, { signal });
        assertThat(
          handle.id === seed.training_client_id && handle.info.model_ref === CONFIG.model_ref,
          `got ${JSON.stringify(handle.info)}`,
        );
      },
    },
    {
      call: 'getTrainingClient(unknown id) → TrainingClientNotFoundError',
      run: async ({ signal }) => {
        await expectError(service.getTrainingClient('tc-00000000-0000-0000-0000-000000000000', { signal }), TrainingClientNotFoundError);
      },
    },
    {
      call: 'listTrainingClients()',
      run: async ({ signal }) => {
        const ids = (await service.listTrainingClients({}, { signal })).map((client) => client.training_client_id);
        assertThat(ids.includes(seed.training_client_id) && ids.includes(seed.private_training_client_id), `got ${JSON.stringify(ids)}`);
      },
    },
    {
      call: 'listTrainingClients({ status: "active", limit })',
      run: async ({ signal }) => {
        const active = await service.listTrainingClients({ status: 'active', limit: 2 }, { signal });
        assertThat(
          active.length === 2 && active.every((client) => client.status === 'ready'),
          `got ${JSON.stringify(active.map((c) => c.status))}`,
        );
      },
    },
    {
      call: 'getFuture(id).status()',
      run: async ({ signal }) => {
        const status = await service.getFuture(seed.future_ids[0] as string).status({ signal });
        assertThat(status.status === 'completed' && status.operation === 'forward_backward', `got ${JSON.stringify(status)}`);
      },
    },
    {
      call: 'getFuture(unknown id).status() → FutureNotFoundError',
      run: async ({ signal }) => {
        await expectError(service.getFuture('fut-00000000-0000-0000-0000-000000000000').status({ signal }), FutureNotFoundError);
      },
    },
    {
      call: 'getFuture(id) awaited',
      background: true,
      run: async ({ signal }) => {
        const result = await service.getFuture(seed.future_ids[0] as string).result({ signal });
        assertThat(typeof (result as { loss?: unknown }).loss === 'number', `got ${JSON.stringify(result)}`);
      },
    },
    {
      call: 'training.forwardBackward(batch) awaited',
      background: true,
      run: async ({ signal }) => {
        const result = await trained().forwardBackward(BATCH, {}, { signal }).result({ signal });
        assertThat(typeof result.loss === 'number', `got ${JSON.stringify(result)}`);
      },
    },
    {
      call: 'training.forwardBackward(batch).status()',
      run: async ({ signal }) => {
        const future = trained().forwardBackward(BATCH, {}, { signal });
        const first = await future.status({ signal });
        assertThat(first.operation === 'forward_backward' && first.training_client_id === trained().id, `got ${JSON.stringify(first)}`);
        for (let polls = 0; polls < 100; polls += 1) {
          const { status } = await future.status({ signal });
          if (status === 'completed') return;
          assertThat(status === 'pending' || status === 'running', `status ${status}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error('the future did not complete in 10 s of polling');
      },
    },
    {
      call: 'training.optimStep() awaited',
      background: true,
      run: async ({ signal }) => {
        const result = await trained().optimStep({}, { signal }).result({ signal });
        assertThat(typeof result.step === 'number', `got ${JSON.stringify(result)}`);
      },
    },
    {
      call: 'future.cancel()',
      run: async ({ signal }) => {
        const future = trained().forwardBackward(BATCH, {}, { signal });
        const cancelled = await future.cancel({ signal });
        assertThat(typeof cancelled === 'boolean', `got ${cancelled}`);
      },
    },
    {
      call: 'training.sample(prompts)',
      run: async ({ signal }) => {
        const result = await trained().sample(['Hello there'], { max_tokens: 16 }, { signal });
        assertThat(result.samples.length === 1 && typeof result.samples[0]?.completion === 'string', `got ${JSON.stringify(result)}`);
      },
    },
    {
      call: 'training.saveState()',
      run: async ({ signal }) => {
        const saved = await trained().saveState({ metadata: { suite: 'oracle' } }, { signal });
        artifactId = saved.artifact_id;
        assertThat(/^art-/.test(saved.artifact_id) && saved.encryption.algorithm === 'AES-256-GCM', `got ${JSON.stringify(saved)}`);
      },
    },
    {
      call: 'training.loadState(artifact_id)',
      run: async ({ signal }) => {
        const loaded = await trained().loadState(artifactId ?? seed.artifact_id, { signal });
        assertThat(loaded.status === 'ready', `status ${loaded.status}`);
      },
    },
    {
      call: 'createTrainingClient(config, { checkpointId })',
      run: async ({ signal }) => {
        const restored = await service.createTrainingClient(CONFIG, { checkpointId: seed.artifact_id }, { signal });
        assertThat(/^tc-/.test(restored.id), `got ${restored.id}`);
      },
    },
    {
      call: 'training.refresh()',
      run: async ({ signal }) => {
        const info = await trained().refresh({ signal });
        assertThat(info.training_client_id === trained().id, `got ${JSON.stringify(info)}`);
      },
    },
    {
      call: 'pullArtifact(artifact_id)',
      run: async ({ signal }) => {
        // Seed 000: without a destination, pull_artifact returns the bytes.
        const answer: unknown = await service.pullArtifact(seed.artifact_id, {}, { signal });
        assertThat(answer instanceof Uint8Array, `seed 000 says the bytes; got ${Object.prototype.toString.call(answer)}`);
        assertThat(answer.byteLength > 16, `${answer.byteLength} bytes`);
      },
    },
    {
      call: 'pullArtifact(artifact_id, { destination })',
      run: async ({ signal }) => {
        const folder = await mkdtemp(join(target.scratch, 'artifact-'));
        const file = await service.pullArtifact(seed.artifact_id, { destination: join(folder, 'checkpoint.bin') }, { signal });
        assertThat(file.bytesWritten > 16, `${file.bytesWritten} bytes written`);
      },
    },
    {
      call: 'getAuditLogs({ training_client_id })',
      run: async ({ signal }) => {
        const entries = await service.getAuditLogs({ training_client_id: seed.training_client_id, limit: 50 }, { signal });
        assertThat(
          entries.length >= 1 && entries.every((entry) => entry.training_client_id === seed.training_client_id),
          `${entries.length} entries`,
        );
      },
    },
    {
      call: 'getAuditLogs({ operation, start_time, end_time }) and verifyAuditChain',
      run: async ({ signal }) => {
        const all = [];
        for await (const entry of service.getAuditLogs({ limit: 100 }, { signal })) all.push(entry);
        const verified = verifyAuditChain(all);
        assertThat(verified.valid, `the server's own chain does not verify: ${JSON.stringify(verified).slice(0, 300)}`);
        const hourAgo = new Date(Date.now() - 3_600_000);
        const operations = await service.getAuditLogs(
          { operation: 'create_training_client', start_time: hourAgo, end_time: new Date() },
          { signal },
        );
        assertThat(
          operations.every((entry) => entry.operation === 'create_training_client'),
          'the operation filter was not applied',
        );
      },
    },
    {
      call: 'deleteTrainingClient(id)',
      run: async ({ signal }) => {
        await service.deleteTrainingClient(trained().id, { signal });
      },
    },
  ];
}
