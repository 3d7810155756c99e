import { type APIPromise, Future, type RequestOptions, registerSecret, type Transport } from '@trainwire/core';
import type { components, paths } from '../generated/tinker.js';
import { submitTinkerFuture, type TinkerFutureRequest, type TinkerRequestType } from './tinker-future.js';
import { parseTinkerPath } from './tinker-path.js';

type Schemas = components['schemas'];
export type Datum = Schemas['Datum'];
export type ModelInput = Schemas['ModelInput'];
export type TensorData = Schemas['TensorData'];
export type LossFnType = Schemas['LossFnType'];
export type AdamParams = Schemas['AdamParams'];
export type ForwardBackwardOutput = Schemas['ForwardBackwardOutput'];
export type OptimStepResponse = Schemas['OptimStepResponse'];
export type SaveWeightsResponse = Schemas['SaveWeightsResponse'];
export type SaveWeightsForSamplerResponse = Schemas['SaveWeightsForSamplerResponse'];
export type LoadWeightsResponse = Schemas['LoadWeightsResponse'];
export type GetInfoResponse = Schemas['GetInfoResponse'];

/** The SDK's `AdamParams` defaults, sent in full as the SDK does. */
const ADAM_DEFAULTS = { learning_rate: 1e-4, beta1: 0.9, beta2: 0.95, eps: 1e-12, weight_decay: 0, grad_clip_norm: 0 } as const;

/**
 * Trains one LoRA model (`tinker.TrainingClient`). Every operation is numbered (`seq_id`, from 1) in
 * the order it is called and sent in that order (each once the one before it is answered), so the
 * server runs them in that order even when their futures are awaited together; each returns a
 * {@link Future} that long-polls `retrieve_future`.
 */
export class TrainingClient {
  /** The training run id, `<session_id>:train:<n>`. */
  readonly modelId: string;
  readonly #transport: Transport<paths>;
  #seq = 0;
  /** Settles when the last submission has been answered or has failed: the next one waits for it. */
  #lastTurn: Promise<void> = Promise.resolve();

  /** @internal Built by `ServiceClient.createLoraTrainingClient()`. */
  constructor(transport: Transport<paths>, modelId: string) {
    this.#transport = transport;
    this.modelId = modelId;
  }

  /**
   * A forward and backward pass over `data`; gradients accumulate until {@link TrainingClient.optimStep}.
   * Sent as SDK 0.25 sends it, a protobuf `ForwardBackwardRequest`, and its result is asked for as protobuf.
   */
  forwardBackward(
    data: Datum[],
    lossFn: LossFnType,
    params: { loss_fn_config?: Record<string, number> } = {},
    options?: RequestOptions,
  ): Future<ForwardBackwardOutput> {
    const input = { data, loss_fn: lossFn, ...(params?.loss_fn_config ? { loss_fn_config: params?.loss_fn_config } : {}) };
    return this.#submit('ForwardBackward', '/api/v1/forward_backward', { forward_backward_input: input }, options);
  }

  /** A forward pass only (losses and logprobs, no gradients): a forward_backward with `forward_only`, as SDK 0.25 sends it. */
  forward(
    data: Datum[],
    lossFn: LossFnType,
    params: { loss_fn_config?: Record<string, number> } = {},
    options?: RequestOptions,
  ): Future<ForwardBackwardOutput> {
    const input = { data, loss_fn: lossFn, ...(params?.loss_fn_config ? { loss_fn_config: params?.loss_fn_config } : {}) };
    return this.#submit('Forward', '/api/v1/forward_backward', { forward_backward_input: input, forward_only: true }, options);
  }

  /** An Adam step on the accumulated gradients; unset parameters take the SDK defaults (lr 1e-4, β 0.9/0.95). */
  optimStep(adamParams: AdamParams = {}, options?: RequestOptions): Future<OptimStepResponse> {
    return this.#submit(
      'OptimStep',
      '/api/v1/optim_step',
      { adam_params: { ...ADAM_DEFAULTS, ...adamParams }, type: 'optim_step' },
      options,
    );
  }

  /** Save weights and optimizer state as `tinker://<run>/weights/<name>` (the result's `path`). */
  saveState(
    name: string,
    params: { ttl_seconds?: number; overwrite?: boolean } = {},
    options?: RequestOptions,
  ): Future<SaveWeightsResponse> {
    const { ttl_seconds, overwrite = false } = params ?? {};
    const body = { path: name, overwrite, type: 'save_weights', ...(ttl_seconds === undefined ? {} : { ttl_seconds }) };
    return this.#submit('SaveWeights', '/api/v1/save_weights', body, options);
  }

  /** Save weights for sampling as `tinker://<run>/sampler_weights/<name>`. */
  saveWeightsForSampler(
    name: string,
    params: { ttl_seconds?: number } = {},
    options?: RequestOptions,
  ): Future<SaveWeightsForSamplerResponse> {
    const body = {
      path: name,
      type: 'save_weights_for_sampler',
      ...(params?.ttl_seconds === undefined ? {} : { ttl_seconds: params?.ttl_seconds }),
    };
    return this.#submit('SaveWeightsForSampler', '/api/v1/save_weights_for_sampler', body, options);
  }

  /** Load weights saved by {@link TrainingClient.saveState} (a `tinker://…/weights/…` path), without the optimizer state. */
  loadState(path: string, params: { weights_access_token?: string } = {}, options?: RequestOptions): Future<LoadWeightsResponse> {
    return this.#load(path, false, params, options);
  }

  /** Load weights and the optimizer state, to resume training where it stopped. */
  loadStateWithOptimizer(
    path: string,
    params: { weights_access_token?: string } = {},
    options?: RequestOptions,
  ): Future<LoadWeightsResponse> {
    return this.#load(path, true, params, options);
  }

  /** The model's architecture, tokenizer and LoRA rank. */
  getInfo(options?: RequestOptions): APIPromise<GetInfoResponse> {
    return this.#transport.request('post', '/api/v1/get_info', { body: { model_id: this.modelId, type: 'get_info' } }, options);
  }

  #load(
    path: string,
    optimizer: boolean,
    params: { weights_access_token?: string },
    options?: RequestOptions,
  ): Future<LoadWeightsResponse> {
    try {
      parseTinkerPath(path, 'path');
    } catch (error) {
      return Future.submit(() => Promise.reject(error));
    }
    // A credential: kept out of errors, logs and the future's token.
    registerSecret(params?.weights_access_token);
    const body = {
      path,
      optimizer,
      type: 'load_weights',
      ...(params?.weights_access_token ? { weights_access_token: params?.weights_access_token } : {}),
    };
    return this.#submit('LoadWeights', '/api/v1/load_weights', body, options);
  }

  #submit<Type extends TinkerRequestType>(
    type: Type,
    path: TinkerFutureRequest['path'],
    body: Record<string, unknown>,
    options?: RequestOptions,
  ) {
    // Numbered now, at call time, and sent in that order (each once the one before it is answered),
    // as SDK 0.25 does: the server receives and applies a model's requests in seq_id order.
    const request = { type, path, body: { ...body, model_id: this.modelId, seq_id: ++this.#seq } };
    const after = this.#lastTurn;
    let done!: () => void;
    this.#lastTurn = new Promise<void>((resolve) => {
      done = resolve;
    });
    return submitTinkerFuture(this.#transport, request, options, { after, done });
  }
}
