import {
  APIError,
  Future,
  type FutureOptions,
  InvalidFutureTokenError,
  isTransientPollError,
  longPoll,
  type PollResult,
  type RequestOptions,
  ResponseValidationError,
  type SavedFuture,
  type Transport,
  validate,
} from '@trainwire/core';
import type { components, paths } from '../generated/tinker.js';
import { service } from '../generated/tinker-service.js';
import { FutureExpiredError, RequestFailedError, type RequestFailureCategory } from './tinker-errors.js';
import { retrieveTinkerFuture, sendTinkerRequest } from './tinker-future-wire.js';

type Schemas = components['schemas'];

/** What each kind of Tinker request resolves to, by its `X-Tinker-Request-Type`. */
export interface TinkerFutureResults {
  CreateModel: Schemas['CreateModelResponse'];
  ForwardBackward: Schemas['ForwardBackwardOutput'];
  Forward: Schemas['ForwardBackwardOutput'];
  OptimStep: Schemas['OptimStepResponse'];
  SaveWeights: Schemas['SaveWeightsResponse'];
  SaveWeightsForSampler: Schemas['SaveWeightsForSamplerResponse'];
  LoadWeights: Schemas['LoadWeightsResponse'];
  Sample: Schemas['SampleResponse'];
}

/** The kind of request a future follows, sent as `X-Tinker-Request-Type` on each poll. */
export type TinkerRequestType = keyof TinkerFutureResults;

/** Where the server stands with a pending future; passed to `future.onProgress` listeners. */
export interface TinkerFutureProgress {
  request_id: string;
  queue_state: Schemas['QueueState'];
  queue_state_reason?: string | undefined;
}

/** The operations that answer with `{ request_id }` (`forward` only in futures resumed from older tokens). */
export type TinkerFuturePath =
  | '/api/v1/create_model'
  | '/api/v1/forward_backward'
  | '/api/v1/forward'
  | '/api/v1/optim_step'
  | '/api/v1/save_weights'
  | '/api/v1/save_weights_for_sampler'
  | '/api/v1/load_weights'
  | '/api/v1/asample';

/** The original request of a future, kept (and serialized) so a 410 can submit it again. */
export interface TinkerFutureRequest<Type extends TinkerRequestType = TinkerRequestType> {
  type: Type;
  path: TinkerFuturePath;
  body: Record<string, unknown>;
  headers?: Record<string, string> | undefined;
}

/** What a Tinker future's token carries (JSON-safe). */
interface TinkerFutureData extends Record<string, unknown> {
  request_id: string;
  allow_metadata_only: boolean;
  request?: TinkerFutureRequest | undefined;
  resubmissions: number;
}

/**
 * The operation of each kind of request. A resumed token names a kind, and the path must be its
 * own: a token is data, never an address (no other path, host or operation can come from it).
 */
const REQUEST_PATHS: Readonly<Record<TinkerRequestType, TinkerFuturePath>> = {
  CreateModel: '/api/v1/create_model',
  ForwardBackward: '/api/v1/forward_backward',
  Forward: '/api/v1/forward',
  OptimStep: '/api/v1/optim_step',
  SaveWeights: '/api/v1/save_weights',
  SaveWeightsForSampler: '/api/v1/save_weights_for_sampler',
  LoadWeights: '/api/v1/load_weights',
  Sample: '/api/v1/asample',
};
/** The headers a request may carry into its token (those our clients set), lower-cased. */
const REQUEST_HEADERS = new Set(['x-tinker-sampling-backpressure']);

/** Resubmissions after a 410 before the future gives up with {@link FutureExpiredError}. */
const MAX_RESUBMISSIONS = 3;
/** A bare 400 is a proxy hiccup, retried this many times (like the SDK). */
const MAX_BARE_400 = 3;
/** Each poll is held open by the server; the SDK waits up to 45 s for it. */
const POLL_TIMEOUT = 45_000;
const KIND = 'tinker.future';
/**
 * The schema of each request type's result. `retrieve_future` declares the union of them all, and
 * some have no required field, so any object passes it: the result is checked against its own.
 */
const RESULT_SCHEMAS: Record<TinkerRequestType, string> = {
  CreateModel: 'CreateModelResponse',
  ForwardBackward: 'ForwardBackwardOutput',
  Forward: 'ForwardBackwardOutput',
  OptimStep: 'OptimStepResponse',
  SaveWeights: 'SaveWeightsResponse',
  SaveWeightsForSampler: 'SaveWeightsForSamplerResponse',
  LoadWeights: 'LoadWeightsResponse',
  Sample: 'SampleResponse',
};

/**
 * Send a Tinker request that answers with a future and follow it through `retrieve_future`: the
 * returned future is usable at once and resolves with the request's result.
 */
export function submitTinkerFuture<Type extends TinkerRequestType>(
  transport: Transport<paths>,
  request: TinkerFutureRequest<Type>,
  options?: RequestOptions,
  turn?: SubmissionTurn,
): Future<TinkerFutureResults[Type]> {
  return Future.submit(async () => {
    let sent: Awaited<ReturnType<typeof sendTinkerRequest>>;
    let started: number;
    try {
      await turn?.after;
      started = Date.now();
      sent = await sendTinkerRequest(transport, request, options);
    } finally {
      turn?.done();
    }
    const { data: handle, response } = sent;
    const data = { request_id: handle.request_id, allow_metadata_only: true, request, resubmissions: 0 };
    return { ...futureOptions<TinkerFutureResults[Type]>(transport, data, options, (Date.now() - started) / 1000), response };
  });
}

/**
 * A submission's place in its training client's order, as SDK 0.25's `_take_turn`: it is sent once
 * the one before it has been answered (or has failed), so the server receives a model's requests in
 * `seq_id` order even when they are called together.
 */
export interface SubmissionTurn {
  /** Settles when the previous submission has been answered or has failed (never rejects). */
  after: Promise<void>;
  /** Hands the turn to the next submission: called once this one has been answered or has failed. */
  done: () => void;
}

/**
 * Follow a future from a `future.serialize()` token (e.g. made by another process). The token is
 * checked before anything is sent: a Tinker future's, whose request (if any) is one of the
 * operations that answer with a future, at its own path, with no headers but ours; anything else
 * is an `InvalidFutureTokenError`.
 */
export function resumeTinkerFuture<T = unknown>(transport: Transport<paths>, token: string, options?: RequestOptions): Future<T> {
  return Future.resume<T>(token, (saved) => futureOptions<T>(transport, savedData(saved), options), { kind: KIND });
}

/** What a token holds, checked field by field; throws {@link InvalidFutureTokenError}. */
function savedData(saved: SavedFuture): TinkerFutureData {
  const data = (saved.data ?? {}) as Record<string, unknown>;
  const { request_id = saved.id, allow_metadata_only = true, resubmissions = 0, request } = data;
  if (typeof request_id !== 'string' || request_id === '') throw new InvalidFutureTokenError('request_id is not a non-empty string');
  if (typeof allow_metadata_only !== 'boolean') throw new InvalidFutureTokenError('allow_metadata_only is not a boolean');
  if (!Number.isInteger(resubmissions) || (resubmissions as number) < 0 || (resubmissions as number) > MAX_RESUBMISSIONS)
    throw new InvalidFutureTokenError(`resubmissions is not a whole number from 0 to ${MAX_RESUBMISSIONS}`);
  return { request_id, allow_metadata_only, resubmissions: resubmissions as number, request: savedRequest(request) };
}

/** The request a token would submit again after a 410, or undefined; throws {@link InvalidFutureTokenError}. */
function savedRequest(value: unknown): TinkerFutureRequest | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidFutureTokenError('request is not an object');
  const { type, path, body, headers } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !Object.hasOwn(REQUEST_PATHS, type))
    throw new InvalidFutureTokenError(`request.type ${JSON.stringify(type)} is not a kind of Tinker future`);
  const expected = REQUEST_PATHS[type as TinkerRequestType];
  if (path !== expected)
    throw new InvalidFutureTokenError(`request.path ${JSON.stringify(path)} is not the path of a ${type} request (${expected})`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidFutureTokenError('request.body is not an object');
  const kept: Record<string, string> = {};
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
      throw new InvalidFutureTokenError('request.headers is not an object');
    for (const [name, headerValue] of Object.entries(headers)) {
      if (!REQUEST_HEADERS.has(name.toLowerCase()) || typeof headerValue !== 'string')
        throw new InvalidFutureTokenError(`request.headers may not carry ${JSON.stringify(name)}`);
      kept[name] = headerValue;
    }
  }
  return { type: type as TinkerRequestType, path: expected, body: body as Record<string, unknown>, headers: kept };
}

/** `roundtrip`: seconds the submission took, reported on the first poll as the SDK does. */
function futureOptions<T>(
  transport: Transport<paths>,
  data: TinkerFutureData,
  options?: RequestOptions,
  roundtrip?: number,
): FutureOptions<T> {
  const firstId = data.request_id;
  const type = data.request?.type;
  // Polls carry their own idempotency keys: the caller's key belongs to the submission.
  const { idempotencyKey: _submissionKey, ...pollOptions } = options ?? {};
  let bare400 = 0;
  return {
    id: firstId,
    kind: KIND,
    data,
    strategy: longPoll(),
    logger: transport.logger,
    isTransient: (error) => isTransient(error, bare400++ < MAX_BARE_400),
    poll: async ({ signal, attempt, respond }): Promise<PollResult<T>> => {
      let answer: Schemas['FutureRetrieveResponse'];
      try {
        const header: Record<string, string> = { 'X-Tinker-Request-Iteration': String(attempt) };
        if (type) header['X-Tinker-Request-Type'] = type;
        // Seconds to the millisecond Date.now() measures (the SDK sends Python's str(float), e.g. 4.291534423828125e-06).
        if (attempt === 0 && roundtrip !== undefined) header['X-Tinker-Create-Promise-Roundtrip-Time'] = roundtrip.toFixed(3);
        const body = { request_id: data.request_id, allow_metadata_only: data.allow_metadata_only };
        const retrieved = await retrieveTinkerFuture(
          transport,
          type,
          { params: { header }, body },
          {
            ...pollOptions,
            signal,
            maxRetries: 0,
            timeout: pollOptions.timeout ?? POLL_TIMEOUT,
          },
        );
        answer = retrieved.data;
        respond(retrieved.response);
      } catch (error) {
        if (error instanceof APIError && error.status === 408) return tryAgain(data.request_id, error.body);
        if (error instanceof APIError && error.status === 410) return resubmit(transport, data, pollOptions, error);
        throw error;
      }
      bare400 = 0;
      if ('type' in answer && answer.type === 'try_again') return tryAgain(data.request_id, answer);
      if ('status' in answer && answer.status === 'complete_metadata') {
        data.allow_metadata_only = false;
        return { state: 'pending', retryAfter: 0 };
      }
      if ('error' in answer && typeof answer.error === 'string') {
        const category = (answer as Schemas['RequestFailedResponse']).category;
        return {
          state: 'failed',
          error: new RequestFailedError({
            requestId: data.request_id,
            category: category as RequestFailureCategory,
            message: answer.error,
          }),
        };
      }
      const issue = type ? validate(service.schemas[RESULT_SCHEMAS[type]], answer, service.schemas) : undefined;
      if (issue) {
        const operation = `Tinker retrieveFuture (${type})`;
        return { state: 'failed', error: new ResponseValidationError({ status: 200, ...issue, body: answer, operation }) };
      }
      return { state: 'done', value: answer as T };
    },
  };
}

/** A `try_again` answer or a 408: ask again at once, and report the queue state. */
function tryAgain(requestId: string, body: unknown): PollResult<never> {
  const record = (body && typeof body === 'object' ? body : {}) as Partial<Schemas['TryAgainResponse']>;
  const progress: TinkerFutureProgress = { request_id: requestId, queue_state: record.queue_state ?? 'active' };
  if (record.queue_state_reason) progress.queue_state_reason = record.queue_state_reason;
  return { state: 'pending', progress, retryAfter: 0 };
}

/** A 410: the server forgot the promise, so submit the original request again and follow the new one. */
async function resubmit<T>(
  transport: Transport<paths>,
  data: TinkerFutureData,
  options: RequestOptions,
  cause: APIError,
): Promise<PollResult<T>> {
  if (!data.request) {
    const message = 'the server no longer knows this request (410), and the future was resumed without the request to submit again';
    return { state: 'failed', error: new FutureExpiredError({ futureId: data.request_id, message, cause }) };
  }
  if (data.resubmissions >= MAX_RESUBMISSIONS) {
    const message = `the server forgot this request (410) ${data.resubmissions + 1} times; giving up`;
    return { state: 'failed', error: new FutureExpiredError({ futureId: data.request_id, message, cause }) };
  }
  const { data: handle } = await sendTinkerRequest(transport, data.request, options);
  data.request_id = handle.request_id;
  data.allow_metadata_only = true;
  data.resubmissions += 1;
  return { state: 'pending', retryAfter: 0 };
}

/**
 * Keep polling (with core's backoff) on what core counts transient (connection errors, timeouts,
 * 408, 429, 5xx but 501), and on Tinker's own two: the 402 billing pause and a few bare 400s.
 */
function isTransient(error: unknown, bare400Allowed: boolean): boolean {
  if (isTransientPollError(error)) return true;
  if (!(error instanceof APIError)) return false;
  if (error.status === 402) return true;
  return error.status === 400 && (error.body === undefined || error.body === '') && bare400Allowed;
}
