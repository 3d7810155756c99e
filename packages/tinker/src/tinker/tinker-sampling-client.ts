import type { APIPromise, Future, RequestOptions, Transport } from '@trainwire/core';
import type { components, paths } from '../generated/tinker.js';
import { submitTinkerFuture } from './tinker-future.js';

type Schemas = components['schemas'];
export type SamplingParams = Schemas['SamplingParams'];
export type SampleResponse = Schemas['SampleResponse'];
export type SampledSequence = Schemas['SampledSequence'];

/** The SDK's `SamplingParams` defaults. */
const SAMPLING_DEFAULTS = { temperature: 1, top_k: -1, top_p: 1 } as const;

/** Samples from a base model or saved sampler weights (`tinker.SamplingClient`). */
export class SamplingClient {
  /** The sampling session id, `<session_id>:sample:<n>`. */
  readonly samplingSessionId: string;
  readonly #transport: Transport<paths>;
  #seq = 0;

  /** @internal Built by `ServiceClient.createSamplingClient()`. */
  constructor(transport: Transport<paths>, samplingSessionId: string) {
    this.#transport = transport;
    this.samplingSessionId = samplingSessionId;
  }

  /**
   * `numSamples` completions of `prompt`; with `include_prompt_logprobs` the result also has the
   * prompt's logprobs, and with `topk_prompt_logprobs: k` the top k candidates at each position.
   */
  sample(
    prompt: Schemas['ModelInput'],
    numSamples: number,
    samplingParams: SamplingParams,
    params: { include_prompt_logprobs?: boolean; topk_prompt_logprobs?: number } = {},
    options?: RequestOptions,
  ): Future<SampleResponse> {
    const { include_prompt_logprobs = false, topk_prompt_logprobs = 0 } = params ?? {};
    const body = {
      sampling_session_id: this.samplingSessionId,
      seq_id: this.#seq++,
      num_samples: numSamples,
      prompt,
      sampling_params: { ...SAMPLING_DEFAULTS, ...samplingParams },
      ...(include_prompt_logprobs ? { prompt_logprobs: true } : {}),
      topk_prompt_logprobs,
      type: 'sample',
    };
    // Backpressure: the server may answer 429 rather than queue without bound; core retries it.
    const headers = { 'X-Tinker-Sampling-Backpressure': '1' };
    return submitTinkerFuture(this.#transport, { type: 'Sample', path: '/api/v1/asample', body, headers }, options);
  }

  /** The base model this sampler runs. */
  getBaseModel(options?: RequestOptions): APIPromise<string> {
    return this.#transport
      .request('get', '/api/v1/samplers/{sampler_id}', { params: { path: { sampler_id: this.samplingSessionId } } }, options)
      .map((sampler) => sampler.base_model);
  }
}
