import {
  type ClientOptions,
  createTransport,
  exponentialBackoff,
  Future,
  FutureFailedError,
  loadSchemaValidator,
  normalizeBaseURL,
  type PagedTransport,
  type PageOptions,
  type RequestOptions,
  resolveSetting,
  withPagination,
} from '@trainwire/core';
import { type components, type paths, service } from './generated/conformance.js';

export type Run = components['schemas']['Run'];
export type CreateRunRequest = components['schemas']['CreateRunRequest'];
export type StepRequest = components['schemas']['StepRequest'];
export type StepResult = components['schemas']['StepResult'];
export type RunStatus = components['schemas']['RunStatus'];

/** Options of {@link ConformanceClient}; the key falls back to `CONFORMANCE_API_KEY`. */
export interface ConformanceClientOptions extends ClientOptions {}

/** Client of the conformance service: one method per operation, each a few lines over core. */
export class ConformanceClient {
  readonly #transport: PagedTransport<paths>;

  constructor(options: ConformanceClientOptions = {}) {
    const apiKey = resolveSetting({
      value: options.apiKey,
      option: 'apiKey',
      env: 'CONFORMANCE_API_KEY',
      service: 'Conformance',
      secret: true,
    });
    const baseURL = resolveSetting({
      value: options.baseURL,
      option: 'baseURL',
      env: 'CONFORMANCE_BASE_URL',
      service: 'Conformance',
      default: service.servers[0],
    });
    this.#transport = withPagination(
      createTransport<paths>({
        ...options,
        definition: service,
        validator: loadSchemaValidator,
        apiKey,
        baseURL: normalizeBaseURL(baseURL, { service: 'Conformance', allowInsecureHTTP: options.allowInsecureHTTP }),
        userAgent: 'trainwire-conformance/0.0.0',
      }),
    );
  }

  /** Every run, newest first; `await` it for the first page or `for await` it for every run. */
  listRuns(query: { limit?: number; offset?: number; status?: RunStatus } = {}, options?: RequestOptions & PageOptions) {
    return this.#transport.paginate('get', '/v1/runs', { params: { query } }, options);
  }

  getRun(runId: string, options?: RequestOptions) {
    return this.#transport.request('get', '/v1/runs/{run_id}', { params: { path: { run_id: runId } } }, options);
  }

  createRun(body: CreateRunRequest, options?: RequestOptions) {
    return this.#transport.request('post', '/v1/runs', { body }, options);
  }

  deleteRun(runId: string, options?: RequestOptions): Promise<void> {
    return this.#transport.request('delete', '/v1/runs/{run_id}', { params: { path: { run_id: runId } } }, options);
  }

  /** Queue a step (sent now); the future resolves with its result once the server has run it. */
  submitStep(runId: string, body: StepRequest, options?: RequestOptions): Future<StepResult> {
    return Future.submit(async () => {
      const handle = await this.#transport.request(
        'post',
        '/v1/runs/{run_id}/steps',
        { params: { path: { run_id: runId } }, body },
        options,
      );
      return this.stepOptions(handle.request_id, options);
    });
  }

  /** Pick up a future serialized by `future.serialize()`, e.g. in another process. */
  resumeStep(token: string, options?: RequestOptions): Future<StepResult> {
    return Future.resume(token, (saved) => this.stepOptions(saved.id, options), { kind: 'conformance.step' });
  }

  listEvents(query: { page?: number; per_page?: number } = {}, options?: RequestOptions & PageOptions) {
    return this.#transport.paginate('get', '/v1/events', { params: { query } }, options);
  }

  listCheckpoints(query: { limit?: number; cursor?: string } = {}, options?: RequestOptions & PageOptions) {
    return this.#transport.paginate('get', '/v1/checkpoints', { params: { query } }, options);
  }

  listModels(options?: RequestOptions & PageOptions) {
    return this.#transport.paginate('get', '/v1/models', {}, options);
  }

  /** The checkpoint's bytes. */
  async downloadCheckpoint(checkpointId: string, options?: RequestOptions): Promise<Uint8Array> {
    const response = await this.#transport.requestRaw(
      'get',
      '/v1/checkpoints/{checkpoint_id}/archive',
      { params: { path: { checkpoint_id: checkpointId } } },
      options,
    );
    return new Uint8Array(await response.arrayBuffer());
  }

  private stepOptions(requestId: string, options?: RequestOptions) {
    return {
      id: requestId,
      kind: 'conformance.step',
      strategy: exponentialBackoff({ initial: 50, max: 1_000 }),
      poll: async ({ signal }: { signal: AbortSignal }) => {
        const state = await this.#transport.request(
          'post',
          '/v1/futures/retrieve',
          { body: { request_id: requestId } },
          { ...options, signal },
        );
        if (state.status === 'completed') return { state: 'done' as const, value: state.result };
        if (state.status === 'failed') {
          return {
            state: 'failed' as const,
            error: new FutureFailedError({ futureId: requestId, message: state.error.error.message, category: state.error.error.code }),
          };
        }
        return { state: 'pending' as const, progress: { queue_state: state.queue_state } };
      },
    };
  }
}
