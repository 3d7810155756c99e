import { seededRandom } from '@trainwire/core';
import type { components } from '../generated/tinker.js';
import type { TinkerMockModel } from './tinker-mock-state.js';

type Schemas = components['schemas'];

/** Which named inputs each loss function needs (the server rejects a batch without them). */
const REQUIRED_INPUTS: Record<Schemas['LossFnType'], string[]> = {
  cross_entropy: ['target_tokens'],
  importance_sampling: ['target_tokens', 'logprobs', 'advantages'],
  ppo: ['target_tokens', 'logprobs', 'advantages'],
  cispo: ['target_tokens', 'logprobs', 'advantages'],
  dro: ['target_tokens', 'logprobs', 'advantages'],
};

/** Why a batch cannot run (a `user` error), or undefined. */
export function batchProblem(input: Schemas['ForwardBackwardInput']): string | undefined {
  for (const [index, datum] of input.data.entries()) {
    for (const name of REQUIRED_INPUTS[input.loss_fn]) {
      if (!datum.loss_fn_inputs[name]) return `data[${index}]: loss_fn ${input.loss_fn} needs loss_fn_inputs.${name}`;
    }
    const tokens = datum.model_input.chunks.reduce((sum, chunk) => sum + (chunk.type === 'encoded_text' ? chunk.tokens.length : 0), 0);
    const targets = datum.loss_fn_inputs.target_tokens?.data.length ?? 0;
    if (targets !== tokens) return `data[${index}]: target_tokens has ${targets} entries but model_input has ${tokens} tokens`;
  }
  return undefined;
}

/**
 * The output of a forward(-backward) pass: a logprob per target token and the summed loss, which
 * falls as the model takes optimizer steps (deterministic for a given model, step and batch).
 */
export function forwardOutput(model: TinkerMockModel, input: Schemas['ForwardBackwardInput']): Schemas['ForwardBackwardOutput'] {
  const random = seededRandom(model.steps * 7919 + input.data.length * 104_729 + model.run.training_run_id.length);
  const level = 2.4 * 0.97 ** model.steps;
  let loss = 0;
  const outputs = input.data.map((datum) => {
    const weights = datum.loss_fn_inputs.weights?.data;
    const count = datum.loss_fn_inputs.target_tokens?.data.length ?? 0;
    const logprobs = Array.from({ length: count }, () => round(-level * (0.6 + random() * 0.8)));
    logprobs.forEach((value, index) => {
      loss -= value * (weights?.[index] ?? 1);
    });
    return { logprobs: { data: logprobs, dtype: 'float32' as const, shape: [count] } };
  });
  return { loss_fn_output_type: 'TensorData', loss_fn_outputs: outputs, metrics: { 'loss:sum': round(loss) } };
}

/** Completions for a sample request: `max_tokens` tokens each (default 16), stopped by length. */
export function sampleOutput(request: Schemas['SampleRequest'], seed: number): Schemas['SampleResponse'] {
  const random = seededRandom(seed + (request.sampling_params.seed ?? 0));
  const maxTokens = request.sampling_params.max_tokens ?? 16;
  const promptTokens = request.prompt.chunks.flatMap((chunk) => (chunk.type === 'encoded_text' ? chunk.tokens : []));
  const sequences = Array.from({ length: request.num_samples ?? 1 }, () => ({
    stop_reason: 'length' as const,
    tokens: Array.from({ length: maxTokens }, () => Math.floor(random() * 32_000)),
    logprobs: Array.from({ length: maxTokens }, () => round(-random() * 3)),
  }));
  const response: Schemas['SampleResponse'] = { type: 'sample', sequences };
  if (request.prompt_logprobs) response.prompt_logprobs = promptTokens.map((_, index) => (index === 0 ? null : round(-random() * 4)));
  const k = request.topk_prompt_logprobs ?? 0;
  if (k > 0) {
    response.topk_prompt_logprobs = promptTokens.map((_, index) =>
      index === 0 ? null : Array.from({ length: k }, (_, rank) => [Math.floor(random() * 32_000), round(-(rank + random()))]),
    );
  }
  return response;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
