import { APIPromise, InvalidRequestError, type RequestOptions, type Transport } from '@trainwire/core';
import type { paths } from '../generated/tensafe.js';
import type { TenSafeFuture } from './tensafe-future.js';
import type {
  Batch,
  ForwardBackwardResult,
  FutureResponse,
  LoadStateResult,
  OptimStepResult,
  SampleResult,
  SaveStateResult,
  TrainingClientInfo,
} from './tensafe-types.js';

/** What a {@link TrainingClient} borrows from the service client that made it. */
export interface TrainingClientContext {
  transport: Transport<paths>;
  refresh(trainingClientId: string, options?: RequestOptions): APIPromise<TrainingClientInfo>;
  follow<T>(submit: () => APIPromise<FutureResponse>, options?: RequestOptions): TenSafeFuture<T>;
}

/** Sampling parameters of {@link TrainingClient.sample}, with `tg_tinker`'s defaults. */
export interface SampleParams {
  /** @default 128 */
  max_tokens?: number;
  /** @default 0.7 */
  temperature?: number;
  /** @default 0.9 */
  top_p?: number;
  /** @default 50 */
  top_k?: number;
  /** @default [] */
  stop_sequences?: string[];
}

/**
 * One TenSafe training client (`tg_tinker.TrainingClient`), made by
 * `ServiceClient.createTrainingClient` or `getTrainingClient`. Steps return futures; sampling and
 * state saves answer at once.
 */
export class TrainingClient {
  readonly #context: TrainingClientContext;
  #info: TrainingClientInfo;

  /** @internal Use `ServiceClient.createTrainingClient` or `getTrainingClient`. */
  constructor(info: TrainingClientInfo, context: TrainingClientContext) {
    this.#info = info;
    this.#context = context;
  }

  /** The training client id (`tc-…`). */
  get id(): string {
    return this.#info.training_client_id;
  }

  /** The info last received from the server (see {@link TrainingClient.refresh}). */
  get info(): TrainingClientInfo {
    return this.#info;
  }

  /** Fetch the current info (status, step, DP metrics). */
  refresh(options?: RequestOptions): APIPromise<TrainingClientInfo> {
    return this.#context.refresh(this.id, options).map((info) => {
      this.#info = info;
      return info;
    });
  }

  /**
   * Queue a forward and backward pass over `batch` (`input_ids`, `attention_mask` of the same
   * shape, optional `labels`). The request is sent now; the future resolves with the loss.
   */
  forwardBackward(
    batch: Batch,
    params: { batch_hash?: string | null } = {},
    options?: RequestOptions,
  ): TenSafeFuture<ForwardBackwardResult> {
    return this.#context.follow<ForwardBackwardResult>(
      () =>
        // Inside the submission: a bad batch rejects the future rather than throwing at the call.
        APIPromise.try(() => {
          checkBatch(batch);
          return this.#post('/v1/training_clients/{training_client_id}/forward_backward', { batch, ...params }, options);
        }),
      options,
    );
  }

  /** Queue an optimizer step (`apply_dp_noise` defaults to true). The future resolves with the new step. */
  optimStep(params: { apply_dp_noise?: boolean } = {}, options?: RequestOptions): TenSafeFuture<OptimStepResult> {
    const body = { apply_dp_noise: true, ...params };
    return this.#context.follow<OptimStepResult>(
      () => this.#post('/v1/training_clients/{training_client_id}/optim_step', body, options),
      options,
    );
  }

  /** Generate completions for one prompt or several with the current weights. */
  sample(prompts: string | string[], params: SampleParams = {}, options?: RequestOptions): APIPromise<SampleResult> {
    const body = {
      prompts: typeof prompts === 'string' ? [prompts] : prompts,
      max_tokens: 128,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 50,
      stop_sequences: [],
      ...params,
    };
    return this.#post('/v1/training_clients/{training_client_id}/sample', body, options);
  }

  /** Save the weights (and, by default, the optimizer) as an encrypted artifact; `artifact_id` restores it. */
  saveState(
    params: { include_optimizer?: boolean; metadata?: Record<string, unknown> } = {},
    options?: RequestOptions,
  ): APIPromise<SaveStateResult> {
    return this.#post(
      '/v1/training_clients/{training_client_id}/save_state',
      { include_optimizer: true, metadata: {}, ...params },
      options,
    );
  }

  /** Restore the weights saved as artifact `artifactId`. */
  loadState(artifactId: string, options?: RequestOptions): APIPromise<LoadStateResult> {
    return APIPromise.try(() => {
      if (typeof artifactId !== 'string' || artifactId === '') throw new InvalidRequestError('artifactId', 'must be a non-empty string');
      return this.#post('/v1/training_clients/{training_client_id}/load_state', { artifact_id: artifactId }, options);
    });
  }

  #post<Path extends `/v1/training_clients/{training_client_id}/${string}` & keyof paths>(
    path: Path,
    body: unknown,
    options?: RequestOptions,
  ) {
    const init = { params: { path: { training_client_id: this.id } }, body };
    return this.#context.transport.request('post', path as never, init as never, options) as APIPromise<ResponseOf<Path>>;
  }
}

type ResponseOf<Path extends keyof paths> = paths[Path] extends { post: { responses: infer Responses } }
  ? Responses extends { 200: { content: { 'application/json': infer Body } } }
    ? Body
    : Responses extends { 202: { content: { 'application/json': infer Body } } }
      ? Body
      : never
  : never;

/** Rows of `attention_mask` (and `labels`) must match `input_ids` one for one. */
function checkBatch(batch: Batch): void {
  if (!batch || !Array.isArray(batch.input_ids)) throw new InvalidRequestError('batch.input_ids', 'must be an array of token id rows');
  for (const field of ['attention_mask', 'labels'] as const) {
    const rows = batch[field];
    if (rows === undefined || rows === null) continue;
    if (!Array.isArray(rows) || rows.length !== batch.input_ids.length) {
      throw new InvalidRequestError(`batch.${field}`, `must have ${batch.input_ids.length} rows, like input_ids`);
    }
    for (const [index, row] of rows.entries()) {
      const expected = batch.input_ids[index]?.length;
      if (!Array.isArray(row) || row.length !== expected) {
        throw new InvalidRequestError(`batch.${field}[${index}]`, `must have ${expected} entries, like input_ids[${index}]`);
      }
    }
  }
}
