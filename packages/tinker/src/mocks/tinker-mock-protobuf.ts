import { validate } from '@trainwire/core';
import { detail } from '@trainwire/core/mock-kit';
import type { components } from '../generated/tinker.js';
import { service } from '../generated/tinker-service.js';
import { decodeForwardBackwardRequest } from '../tinker/tinker-proto-request.js';
import { encodeForwardBackwardOutput, encodeSampleResponse, PROTOBUF_MEDIA_TYPE } from '../tinker/tinker-proto-results.js';

type Schemas = components['schemas'];

export { PROTOBUF_MEDIA_TYPE };

/** A forward(-backward) request as the mock works on it, whichever form it came in. */
export interface ForwardBackwardCall {
  body: { model_id?: unknown; seq_id?: unknown };
  input: Schemas['ForwardBackwardInput'];
  /** Set by SDK 0.25's `forward()` (and by the legacy `forward` route): no gradients. */
  forwardOnly: boolean;
}

/** Whether a `retrieve_future` poll asks for its result as protobuf (SDK 0.25 does for samples and forward passes). */
export function acceptsProtobuf(request: Request): boolean {
  return (request.headers.get('accept') ?? '').toLowerCase().includes(PROTOBUF_MEDIA_TYPE);
}

/** A sample or forward(-backward) result as protobuf; undefined for the results that are always JSON. */
export function encodeResult(type: string, result: unknown): Uint8Array | undefined {
  if (type === 'Sample') return encodeSampleResponse(result as Schemas['SampleResponse']);
  if (type === 'ForwardBackward' || type === 'Forward') return encodeForwardBackwardOutput(result as Schemas['ForwardBackwardOutput']);
  return undefined;
}

/**
 * Read a `forward_backward` request, protobuf as SDK 0.25 sends it or JSON as older SDKs do, or a
 * legacy `forward` one (JSON). A protobuf body is checked against the spec's JSON form once decoded,
 * since nothing checked it on the way in.
 */
export async function readForwardBackward(
  request: Request,
  route: 'forward_backward' | 'forward',
  json: (request: Request) => Promise<Record<string, unknown> | undefined>,
): Promise<ForwardBackwardCall | { error: Response }> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== PROTOBUF_MEDIA_TYPE) {
    const body = await json(request);
    const input = (route === 'forward' ? body?.forward_input : body?.forward_backward_input) as Schemas['ForwardBackwardInput'] | undefined;
    if (!body || !input || !Array.isArray(input.data)) return { error: detail(400, `Invalid ${route} request`) };
    return { body, input, forwardOnly: route === 'forward' };
  }
  if (route === 'forward') return { error: detail(415, 'forward takes JSON; send protobuf to forward_backward with forward_only') };
  const encoding = request.headers.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') {
    return { error: detail(415, `Content-Encoding ${encoding} is not supported (client/config answers proto_compress_fwdbwd: false)`) };
  }
  let decoded: ReturnType<typeof decodeForwardBackwardRequest>;
  try {
    decoded = decodeForwardBackwardRequest(new Uint8Array(await request.arrayBuffer()));
  } catch (error) {
    return { error: detail(400, `Invalid forward_backward protobuf body: ${(error as Error).message}`) };
  }
  const issue = validate(
    service.schemas.ForwardBackwardInput,
    decoded.forward_backward_input,
    service.schemas,
    {},
    'forward_backward_input',
  );
  if (issue) return { error: detail(400, `Invalid forward_backward request: ${issue.path} ${issue.reason}`) };
  return {
    body: { model_id: decoded.model_id, seq_id: decoded.seq_id },
    input: decoded.forward_backward_input,
    forwardOnly: decoded.forward_only,
  };
}
