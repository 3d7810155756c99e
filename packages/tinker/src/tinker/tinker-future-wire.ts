import {
  InvalidRequestError,
  type RequestOptions,
  ResponseValidationError,
  type Transport,
  validate,
  type WithResponse,
} from '@trainwire/core';
import type { components, paths } from '../generated/tinker.js';
import { service } from '../generated/tinker-service.js';
import type { TinkerFutureRequest, TinkerRequestType } from './tinker-future.js';
import type { ForwardBackwardRequestFields } from './tinker-proto-request.js';

type Schemas = components['schemas'];

/** The media type of protobuf bodies (forward_backward requests, sample and forward(-backward) results). */
const PROTOBUF = 'application/x-protobuf';
/** The results SDK 0.25 asks for as protobuf (`Accept: application/x-protobuf`); the server may drop their JSON form. */
const PROTOBUF_RESULTS: ReadonlySet<TinkerRequestType> = new Set(['ForwardBackward', 'Forward', 'Sample']);

/**
 * Submit a request. A forward_backward goes as SDK 0.25 sends it: its JSON form checked against the
 * spec (so bad input is an InvalidRequestError naming the field), then encoded as a protobuf
 * `ForwardBackwardRequest`; the codec is loaded only then.
 */
export async function sendTinkerRequest(transport: Transport<paths>, request: TinkerFutureRequest, options?: RequestOptions) {
  const headers = { ...options?.headers, ...request.headers };
  let body: unknown = request.body;
  if (request.path === '/api/v1/forward_backward') {
    const { forward_only, ...json } = request.body;
    const issue = validate(transport.operation('post', request.path)?.body?.schema, json, service.schemas, JSON_BODY, 'body');
    if (issue) throw new InvalidRequestError(issue.path, issue.reason);
    const { encodeForwardBackwardRequest } = await import('./tinker-proto-request.js');
    body = encodeForwardBackwardRequest({
      ...(json as Omit<ForwardBackwardRequestFields, 'forward_only'>),
      forward_only: forward_only === true,
    });
    headers['Content-Type'] = PROTOBUF;
  }
  return transport.request('post', request.path, { body } as never, { ...options, headers }).withResponse() as Promise<
    WithResponse<Schemas['UntypedAPIFuture']>
  >;
}

/** How a request body is checked before it is sent (as core checks JSON bodies). */
const JSON_BODY = { rejectAdditional: true, json: true };

/**
 * One poll of `retrieve_future`. For a sample or forward(-backward) future it asks for protobuf as
 * SDK 0.25 does, and decodes a protobuf answer into the JSON shape; every other answer is JSON.
 */
export async function retrieveTinkerFuture(
  transport: Transport<paths>,
  type: TinkerRequestType | undefined,
  init: { params: { header: Record<string, string> }; body: { request_id: string; allow_metadata_only: boolean } },
  options: RequestOptions,
): Promise<{ data: Schemas['FutureRetrieveResponse']; response: Response }> {
  if (!type || !PROTOBUF_RESULTS.has(type)) {
    return (await transport.request('post', '/api/v1/retrieve_future', init, options).withResponse()) as {
      data: Schemas['FutureRetrieveResponse'];
      response: Response;
    };
  }
  const response = await transport.requestRaw('post', '/api/v1/retrieve_future', init, {
    ...options,
    headers: { ...options.headers, Accept: PROTOBUF },
  });
  const contentType = response.headers.get('content-type') ?? '';
  const operation = `Tinker retrieveFuture (${type})`;
  const invalid = (reason: string, body: unknown, cause?: unknown) =>
    new ResponseValidationError({ status: response.status, path: '$', reason, body, headers: response.headers, operation, cause });
  if (contentType.toLowerCase().startsWith(PROTOBUF)) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const codec = await import('./tinker-proto-results.js');
    try {
      return { data: type === 'Sample' ? codec.decodeSampleResponse(bytes) : codec.decodeForwardBackwardOutput(bytes), response };
    } catch (error) {
      throw invalid(
        `not a valid protobuf ${type === 'Sample' ? 'SampleResponse' : 'ForwardBackwardOutput'} (${(error as Error).message})`,
        undefined,
        error,
      );
    }
  }
  const text = await response.text();
  if (!/json/i.test(contentType))
    throw invalid(`expected a JSON or protobuf body, got content-type ${contentType || '(none)'}`, text.slice(0, 500));
  try {
    return { data: JSON.parse(text) as Schemas['FutureRetrieveResponse'], response };
  } catch (error) {
    throw invalid(`body is not valid JSON (${(error as Error).message})`, text.slice(0, 500), error);
  }
}
