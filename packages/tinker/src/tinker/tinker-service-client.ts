import {
  APIPromise,
  ConfigError,
  createTransport,
  Future,
  InvalidRequestError,
  type PagedTransport,
  type RequestOptions,
  readEnv,
  schemaValidator,
  withPagination,
} from '@trainwire/core';
import type { paths } from '../generated/tinker.js';
import { service } from '../generated/tinker-service.js';
import { describeValue } from './tinker-describe-value.js';
import { type GetServerCapabilitiesResponse, getServerCapabilities, type TinkerCore } from './tinker-functions.js';
import { resumeTinkerFuture, submitTinkerFuture } from './tinker-future.js';
import { parseTinkerPath } from './tinker-path.js';
import { RestClient } from './tinker-rest-client.js';
import { SamplingClient } from './tinker-sampling-client.js';
import { TINKER_CLIENT_VERSION, type TinkerCoreOptions, tinkerTransportOptions } from './tinker-settings.js';
import { TrainingClient } from './tinker-training-client.js';

export type { GetServerCapabilitiesResponse } from './tinker-functions.js';
export { TINKER_CLIENT_VERSION, type TinkerCoreOptions } from './tinker-settings.js';

/** Options of {@link ServiceClient}. Each falls back to its environment variable. */
export interface ServiceClientOptions extends TinkerCoreOptions {
  /** The project new sessions belong to. @default process.env.TINKER_PROJECT_ID */
  projectId?: string | undefined;
  /** Tags of new sessions. @default process.env.TINKER_TAGS split on commas, else [] */
  tags?: string[] | undefined;
  /** Metadata recorded with the session. */
  userMetadata?: Record<string, string> | undefined;
  /** Milliseconds between session heartbeats; 0 sends none. @default 10000 */
  heartbeatInterval?: number | undefined;
}

/** Options of {@link ServiceClient.createLoraTrainingClient}, with the SDK's defaults. */
export interface LoraTrainingClientParams {
  base_model: string;
  /** @default 32 */
  rank?: number;
  seed?: number;
  /** @default true */
  train_mlp?: boolean;
  /** @default true */
  train_attn?: boolean;
  /** @default true */
  train_unembed?: boolean;
  user_metadata?: Record<string, string>;
}

/**
 * The entry point of Tinker (`tinker.ServiceClient`): makes REST, training and sampling clients.
 * A session is opened on the first training or sampling call and kept alive by heartbeats.
 */
export class ServiceClient {
  readonly #transport: PagedTransport<paths>;
  readonly #options: ServiceClientOptions;
  #session: Promise<string> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #modelSeq = 0;
  #samplerSeq = 0;

  constructor(options: ServiceClientOptions = {}) {
    const settings = tinkerTransportOptions(options, service, schemaValidator);
    const heartbeatInterval = options.heartbeatInterval ?? 10_000;
    if (typeof heartbeatInterval !== 'number' || !Number.isFinite(heartbeatInterval) || heartbeatInterval < 0) {
      // Checked here: setInterval would coerce it (a bigint or an object throws a TypeError later, in sessionId()).
      throw new ConfigError(
        `Tinker heartbeatInterval must be a non-negative number of milliseconds, got ${describeValue(heartbeatInterval)}.`,
      );
    }
    this.#options = options;
    this.#transport = withPagination(createTransport<paths>(settings));
  }

  /** A client of the REST endpoints (training runs, checkpoints, sessions, samplers). */
  createRestClient(): RestClient {
    return new RestClient(this.#transport, this.#options.maxRetries);
  }

  #core(): TinkerCore {
    return { transport: this.#transport, maxRetries: this.#options.maxRetries ?? 2, baseURL: this.#transport.baseURL };
  }

  /**
   * Create a LoRA training run on `base_model` and a client that trains it. `.withResponse()` gives
   * the response of the poll that brought the new model.
   */
  createLoraTrainingClient(params: LoraTrainingClientParams, options?: RequestOptions): APIPromise<TrainingClient> {
    return APIPromise.from(() => this.#createLoraTrainingClient(params, options));
  }

  async #createLoraTrainingClient(params: LoraTrainingClientParams, options?: RequestOptions) {
    const { base_model, rank = 32, seed, train_mlp = true, train_attn = true, train_unembed = true, user_metadata } = params ?? {};
    if (typeof base_model !== 'string' || base_model === '') throw new InvalidRequestError('base_model', 'is required');
    const lora_config = { rank, train_unembed, train_mlp, train_attn, ...(seed === undefined ? {} : { seed }) };
    const body = {
      session_id: await this.sessionId(options),
      model_seq_id: this.#modelSeq++,
      base_model,
      lora_config,
      type: 'create_model',
      ...(user_metadata ? { user_metadata } : {}),
    };
    const created = await submitTinkerFuture(
      this.#transport,
      { type: 'CreateModel', path: '/api/v1/create_model', body },
      options,
    ).withResponse();
    // A Tinker future always settles on a poll's response.
    return { data: new TrainingClient(this.#transport, created.data.model_id), response: created.response as Response };
  }

  /**
   * A training client that starts from saved weights (`tinker://<run>/weights/<name>`): creates a
   * run with the checkpoint's base model and LoRA settings, then loads the weights into it.
   */
  createTrainingClientFromState(path: string, params: { user_metadata?: Record<string, string> } = {}, options?: RequestOptions) {
    return this.#fromState(path, false, params, options);
  }

  /** {@link ServiceClient.createTrainingClientFromState}, also restoring the optimizer state. */
  createTrainingClientFromStateWithOptimizer(
    path: string,
    params: { user_metadata?: Record<string, string> } = {},
    options?: RequestOptions,
  ) {
    return this.#fromState(path, true, params, options);
  }

  /** A sampling client on saved sampler weights (`model_path`, a tinker path) or on a `base_model`. */
  createSamplingClient(params: { model_path?: string; base_model?: string }, options?: RequestOptions): APIPromise<SamplingClient> {
    const { model_path, base_model } = params ?? {};
    const ready = () => {
      if ((model_path === undefined) === (base_model === undefined)) {
        throw new InvalidRequestError('model_path', 'give exactly one of model_path and base_model');
      }
      if (model_path !== undefined) parseTinkerPath(model_path, 'model_path');
      return this.sessionId(options);
    };
    return APIPromise.after(ready, (sessionId) => {
      const body = {
        session_id: sessionId,
        sampling_session_seq_id: this.#samplerSeq++,
        type: 'create_sampling_session' as const,
        ...(model_path === undefined ? {} : { model_path }),
        ...(base_model === undefined ? {} : { base_model }),
      };
      return this.#transport
        .request('post', '/api/v1/create_sampling_session', { body }, options)
        .map((created) => new SamplingClient(this.#transport, created.sampling_session_id));
    });
  }

  /** The base models this server can train and sample. */
  getServerCapabilities(options?: RequestOptions): APIPromise<GetServerCapabilitiesResponse> {
    return getServerCapabilities(this.#core(), options);
  }

  /** Follow a training or sampling future from its `future.serialize()` token. */
  resumeFuture<T = unknown>(token: string, options?: RequestOptions): Future<T> {
    try {
      return resumeTinkerFuture<T>(this.#transport, token, options);
    } catch (error) {
      // A malformed token rejects the future, like every other bad input, rather than throwing at the call.
      return Future.submit<T>(() => Promise.reject(error));
    }
  }

  /** The id of this client's session, opening it (and starting heartbeats) on first use. */
  sessionId(options?: RequestOptions): Promise<string> {
    this.#session ??= this.#openSession(options);
    return this.#session;
  }

  /** Stop the session heartbeats (the session then expires on the server). */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  async #openSession(options?: RequestOptions): Promise<string> {
    const projectId = this.#options.projectId ?? readEnv('TINKER_PROJECT_ID');
    const tags =
      this.#options.tags ??
      (readEnv('TINKER_TAGS') ?? '')
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean);
    const body = {
      tags,
      // The SDK sends {} for no metadata.
      user_metadata: this.#options.userMetadata ?? {},
      sdk_version: TINKER_CLIENT_VERSION,
      type: 'create_session' as const,
      ...(projectId ? { project_id: projectId } : {}),
    };
    try {
      const { session_id } = await this.#transport.request('post', '/api/v1/create_session', { body }, options);
      this.#startHeartbeat(session_id);
      return session_id;
    } catch (error) {
      this.#session = undefined; // the next call tries again
      throw error;
    }
  }

  #startHeartbeat(sessionId: string): void {
    const interval = this.#options.heartbeatInterval ?? 10_000;
    if (interval <= 0) return;
    this.#heartbeat = setInterval(() => {
      const body = { session_id: sessionId, type: 'session_heartbeat' as const };
      // Best effort, like the SDK: one try, 10 s, failures only logged.
      this.#transport.request('post', '/api/v1/session_heartbeat', { body }, { maxRetries: 0, timeout: 10_000 }).catch((error: unknown) => {
        this.#transport.logger.debug('Tinker session heartbeat failed', { session_id: sessionId, error: String(error) });
      });
    }, interval);
    // A heartbeat must not keep a Node process alive on its own.
    (this.#heartbeat as { unref?: () => void }).unref?.();
  }

  /** `.withResponse()` gives the response of the poll that finished loading the weights. */
  #fromState(path: string, optimizer: boolean, params: { user_metadata?: Record<string, string> }, options?: RequestOptions) {
    return APIPromise.from(() => this.#loadFromState(path, optimizer, params, options));
  }

  async #loadFromState(path: string, optimizer: boolean, params: { user_metadata?: Record<string, string> }, options?: RequestOptions) {
    parseTinkerPath(path, 'path');
    const info = await this.createRestClient().getWeightsInfoByTinkerPath(path, options);
    const training = await this.createLoraTrainingClient(
      {
        base_model: info.base_model,
        rank: info.lora_rank ?? 32,
        train_mlp: info.train_mlp ?? true,
        train_attn: info.train_attn ?? true,
        train_unembed: info.train_unembed ?? true,
        ...(params?.user_metadata ? { user_metadata: params?.user_metadata } : {}),
      },
      options,
    );
    const loaded = await (optimizer
      ? training.loadStateWithOptimizer(path, {}, options)
      : training.loadState(path, {}, options)
    ).withResponse();
    return { data: training, response: loaded.response as Response };
  }
}
