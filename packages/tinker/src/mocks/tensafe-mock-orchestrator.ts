import type { components } from '../generated/tensafe.js';
import type { TenSafeMockTrainingClient } from './tensafe-mock-state.js';

type Schemas = components['schemas'];

/** A job's outcome: its result, or the error message a failed future carries. */
export type JobOutcome = { result: NonNullable<Schemas['FutureResultResponse']['result']> } | { error: string };

/**
 * What the server's worker does when a forward_backward or optim_step job runs (its mock
 * orchestrator, `worker.py`): the loss falls with the step; with DP, a forward pass reports its
 * clipping and an optimizer step spends budget (refusing, with `DP_BUDGET_EXCEEDED`, a step past
 * `target_epsilon`) and moves the client's `dp_metrics`.
 */
export function runJob(
  client: TenSafeMockTrainingClient,
  operation: 'forward_backward' | 'optim_step',
  request: Record<string, unknown>,
  random: () => number,
): JobOutcome {
  const dp = client.info.config.dp_config as Schemas['DPConfig'] | null;
  const dpOn = Boolean(dp && dp.enabled !== false);
  if (operation === 'forward_backward') {
    const batch = (request.batch ?? {}) as Schemas['Batch'];
    const tokens = batch.attention_mask.flat().reduce((sum, value) => sum + value, 0);
    const gradNorm = Math.round((0.5 + random()) * 10_000) / 10_000;
    const maxNorm = dp?.max_grad_norm ?? 1;
    // The server's orchestrator reports clipping only; the budget moves on optimizer steps.
    const clipping = {
      noise_applied: false,
      grad_norm_before_clip: gradNorm,
      grad_norm_after_clip: Math.min(gradNorm, maxNorm),
      num_clipped: gradNorm > maxNorm ? batch.input_ids.length : 0,
    };
    const loss = Math.max(0.1, 2.5 - 0.01 * client.info.step);
    return { result: { loss, grad_norm: gradNorm, tokens_processed: tokens, ...(dpOn ? { dp_metrics: clipping } : {}) } };
  }
  const applyNoise = dpOn && request.apply_dp_noise !== false;
  const spent = applyNoise ? round(0.5 / Math.max(dp?.noise_multiplier ?? 1, 0.1)) : 0;
  const target = dp?.target_epsilon;
  if (applyNoise && target !== null && target !== undefined && client.epsilon + spent > target) {
    return { error: `DP_BUDGET_EXCEEDED: privacy budget exhausted (epsilon ${round(client.epsilon + spent)} > target ${target})` };
  }
  client.epsilon = round(client.epsilon + spent);
  client.info.step += 1;
  const delta = dp?.target_delta ?? 1e-5;
  if (dpOn) client.info.dp_metrics = { total_epsilon: client.epsilon, delta, num_steps: client.info.step };
  const learningRate = (client.info.config.optimizer as Schemas['OptimizerConfig']).learning_rate ?? 0.0001;
  const dpMetrics = applyNoise ? { dp_metrics: { noise_applied: true, epsilon_spent: spent, total_epsilon: client.epsilon, delta } } : {};
  return { result: { step: client.info.step, learning_rate: learningRate, ...dpMetrics } };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
