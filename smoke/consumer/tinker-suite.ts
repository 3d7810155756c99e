// The Tinker and TenSafe part of the consumer smoke test (@trainwire/tinker and its ./tensafe
// subpath) against the sandbox: LoRA training steps through Tinker futures and the checkpoint they
// save, a TenSafe training step and its audit chain, and, in a browser, that pulling an artifact to
// a file path says it needs a file system.
import { type Datum, ServiceClient } from '@trainwire/tinker';
import { ServiceClient as TenSafeClient, TGTinkerError, verifyAuditChain } from '@trainwire/tinker/tensafe';
import { check, type StepListener, type StepResult, Steps } from './steps.js';

/** Where the sandbox serves Tinker and TenSafe (its `TINKER_*` and `TS_*` lines). */
export interface TinkerTarget {
  tinker?: { baseURL: string; apiKey: string } | undefined;
  tensafe?: { baseURL: string; apiKey: string; tenantId?: string | undefined } | undefined;
}

/** One datum of `tokens`, predicting each next token (cross-entropy). */
function datum(tokens: number[]): Datum {
  return {
    model_input: { chunks: [{ type: 'encoded_text', tokens }] },
    loss_fn_inputs: {
      target_tokens: { data: [...tokens.slice(1), 2], dtype: 'int64' },
      weights: { data: tokens.map(() => 1), dtype: 'float32' },
    },
  };
}

/** Run the Tinker and TenSafe steps; `browser` adds the Node-only check. */
export async function runTinkerSuite(target: TinkerTarget, listener: StepListener | undefined, browser: boolean): Promise<StepResult[]> {
  const results: StepResult[] = [];
  if (target.tinker) {
    const steps = new Steps('tinker', listener);
    const service = new ServiceClient({ ...target.tinker, heartbeatInterval: 0, logLevel: 'error' });
    try {
      await steps.step('Tinker LoRA steps through futures', async () => {
        const training = await service.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 8 });
        const batch = [datum([5, 6, 7, 8])];
        const first = training.forwardBackward(batch, 'cross_entropy');
        const progress: string[] = [];
        first.onProgress((update) => progress.push(JSON.stringify(update)));
        const before = await first.result({ timeout: 30_000 });
        await training.optimStep({ learning_rate: 1e-4 });
        const after = await training.forwardBackward(batch, 'cross_entropy');
        const lossBefore = before.metrics['loss:sum'];
        const lossAfter = after.metrics['loss:sum'];
        check(typeof lossBefore === 'number' && typeof lossAfter === 'number', 'no loss:sum in the forward_backward metrics');
        check(lossAfter < lossBefore, `the loss did not go down after optim_step: ${lossBefore} → ${lossAfter}`);
        const saved = await training.saveWeightsForSampler('smoke');
        check(saved.path?.startsWith('tinker://'), `saveWeightsForSampler gave ${saved.path}`);
        return `loss:sum ${lossBefore.toFixed(3)} → ${lossAfter.toFixed(3)}, saved ${saved.path}`;
      });
      await steps.step('Tinker listTrainingRuns (every page)', async () => {
        const rest = service.createRestClient();
        let count = 0;
        for await (const run of rest.listTrainingRuns({ limit: 2 })) {
          check(typeof run.training_run_id === 'string', 'a listed run has no training_run_id');
          count += 1;
        }
        check(count >= 5, `expected the seeded runs, walked ${count}`);
        return `${count} training runs`;
      });
    } finally {
      await service.close();
    }
    results.push(...steps.results);
  }

  if (target.tensafe) {
    const steps = new Steps('tensafe', listener);
    const tensafe = new TenSafeClient({ ...target.tensafe, pollInterval: 20, logLevel: 'error' });
    let artifactId: string | undefined;
    await steps.step('TenSafe training step + audit chain', async () => {
      const client = await tensafe.createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B', lora_config: { rank: 8 } });
      const batch = { input_ids: [[101, 2023, 2003]], attention_mask: [[1, 1, 1]] };
      const loss = await client.forwardBackward(batch).result({ timeout: 30_000 });
      const step = await client.optimStep().result({ timeout: 30_000 });
      const saved = await client.saveState({ metadata: { tag: 'smoke' } });
      artifactId = saved.artifact_id;
      const entries = await tensafe.getAuditLogs().toArray();
      const chain = verifyAuditChain(entries);
      if (!chain.valid) throw new Error(`the audit chain does not verify: ${chain.message}`);
      return `loss ${loss.loss.toFixed(3)}, step ${step.step}, artifact ${saved.artifact_id}, ${chain.checked} audit entries chained`;
    });
    if (browser && artifactId) {
      const nodeOnly = new Steps('node-only', listener);
      const id = artifactId;
      await nodeOnly.step('TenSafe pullArtifact to a file path', async () => {
        const error = await tensafe.pullArtifact(id, { destination: './checkpoint.bin' }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        check(error instanceof TGTinkerError, `expected TGTinkerError, got ${String(error)}`);
        check(error.code === 'FILE_SYSTEM_UNAVAILABLE', `expected code FILE_SYSTEM_UNAVAILABLE, got ${error.code}`);
        return `${error.code}: ${error.message}`;
      });
      steps.results.push(...nodeOnly.results);
    }
    results.push(...steps.results);
  }
  return results;
}
