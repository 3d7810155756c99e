import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { components } from '../generated/tinker.js';
import { type BatchedTensor, DType, ForwardBackwardOutputSchema, SampleResponseSchema, StopReason } from '../generated/tinker_public_pb.js';
import { type PackedKind, packedWidth, packValues, unpackValues } from './tinker-proto-arrays.js';

type Schemas = components['schemas'];
type SampleResponse = Schemas['SampleResponse'];
type ForwardBackwardOutput = Schemas['ForwardBackwardOutput'];
type TensorData = Schemas['TensorData'];

/** The media type of protobuf bodies, requested with `Accept` and answered with `Content-Type`. */
export const PROTOBUF_MEDIA_TYPE = 'application/x-protobuf';

/** What an empty top-k slot holds (the SDK's `MASK_LOGPROB` with token 0). */
const TOPK_MASK = { token: 0, logprob: -99999 };

const STOP_REASONS: Record<number, SampledSequenceStop> = { [StopReason.STOP]: 'stop', [StopReason.LENGTH]: 'length' };
type SampledSequenceStop = Schemas['SampledSequence']['stop_reason'];

/** The wire kind and JSON dtype of each DType the results may use (int32 reads as int64, bfloat16 as float32, as in the SDK). */
const RESULT_DTYPES: Record<number, { kind: PackedKind; dtype: TensorData['dtype'] }> = {
  [DType.DTYPE_FLOAT32]: { kind: 'float32', dtype: 'float32' },
  [DType.DTYPE_BFLOAT16]: { kind: 'bfloat16', dtype: 'float32' },
  [DType.DTYPE_INT64]: { kind: 'int64', dtype: 'int64' },
  [DType.DTYPE_INT32]: { kind: 'int32', dtype: 'int64' },
};

/**
 * A `tinker_public.SampleResponse` in the JSON shape of the spec: tokens and logprobs unpacked,
 * NaN prompt logprobs as null, and top-k rows without their masked slots (null when all are).
 */
export function decodeSampleResponse(bytes: Uint8Array): SampleResponse {
  const message = fromBinary(SampleResponseSchema, bytes);
  const sequences = message.sequences.map((sequence, index) => {
    const stop_reason = STOP_REASONS[sequence.stopReason];
    if (!stop_reason) throw new RangeError(`sequences[${index}].stop_reason: unknown StopReason ${sequence.stopReason}`);
    const logprobs = sequence.logprobs?.length
      ? { logprobs: unpackValues(sequence.logprobs, 'float32', `sequences[${index}].logprobs`) }
      : {};
    return { stop_reason, tokens: unpackValues(sequence.tokens, 'int32', `sequences[${index}].tokens`), ...logprobs };
  });
  const result: SampleResponse = { sequences, prompt_cache_hit_tokens: message.promptCacheHitTokens };
  if (message.promptLogprobs?.length) {
    result.prompt_logprobs = unpackValues(message.promptLogprobs, 'float32', 'prompt_logprobs').map((value) =>
      Number.isNaN(value) ? null : value,
    );
  }
  const topk = message.topkPromptLogprobs;
  if (topk && topk.k > 0 && topk.promptLength > 0) {
    const tokens = unpackValues(topk.tokenIds, 'int32', 'topk_prompt_logprobs.token_ids');
    const logprobs = unpackValues(topk.logprobs, 'float32', 'topk_prompt_logprobs.logprobs');
    const size = topk.promptLength * topk.k;
    if (tokens.length !== size || logprobs.length !== size) {
      throw new RangeError(
        `topk_prompt_logprobs: ${topk.promptLength}×${topk.k} expected, got ${tokens.length} ids and ${logprobs.length} logprobs`,
      );
    }
    result.topk_prompt_logprobs = Array.from({ length: topk.promptLength }, (_, row) => {
      const pairs: number[][] = [];
      for (let column = 0; column < topk.k; column++)
        pairs.push([tokens[row * topk.k + column] ?? 0, logprobs[row * topk.k + column] ?? 0]);
      while (pairs.length > 0 && isMasked(pairs.at(-1))) pairs.pop();
      return pairs.length === 0 ? null : pairs;
    });
  }
  return result;
}

/** The protobuf a server answers for a {@link SampleResponse} (the mock's side of {@link decodeSampleResponse}). */
export function encodeSampleResponse(response: SampleResponse): Uint8Array {
  const fail =
    (what: string) =>
    (index: number): never => {
      throw new RangeError(`${what}[${index}] does not fit the wire type`);
    };
  const topk = response.topk_prompt_logprobs;
  const k = Math.max(0, ...(topk ?? []).map((row) => row?.length ?? 0));
  const cells = (topk ?? []).flatMap((row) =>
    Array.from({ length: k }, (_, column) => {
      const pair = row?.[column];
      return pair ? { token: pair[0] ?? 0, logprob: pair[1] ?? 0 } : TOPK_MASK;
    }),
  );
  const message = create(SampleResponseSchema, {
    sequences: response.sequences.map((sequence, index) => ({
      stopReason: sequence.stop_reason === 'stop' ? StopReason.STOP : StopReason.LENGTH,
      tokens: packValues(sequence.tokens, 'int32', fail(`sequences[${index}].tokens`)),
      ...(sequence.logprobs ? { logprobs: packValues(sequence.logprobs, 'float32', fail('logprobs')) } : {}),
    })),
    promptCacheHitTokens: response.prompt_cache_hit_tokens ?? 0,
    ...(response.prompt_logprobs
      ? {
          promptLogprobs: packValues(
            response.prompt_logprobs.map((value) => value ?? Number.NaN),
            'float32',
            fail('prompt_logprobs'),
          ),
        }
      : {}),
    ...(topk && k > 0
      ? {
          topkPromptLogprobs: {
            k,
            promptLength: topk.length,
            tokenIds: packValues(
              cells.map((cell) => cell.token),
              'int32',
              fail('topk token ids'),
            ),
            logprobs: packValues(
              cells.map((cell) => cell.logprob),
              'float32',
              fail('topk logprobs'),
            ),
          },
        }
      : {}),
  });
  return toBinary(SampleResponseSchema, message);
}

/**
 * A `tinker_public.ForwardBackwardOutput` in the JSON shape of the spec: one map of named tensors
 * per datum, each shaped `[n, ...trailing_shape]`, sliced out of the batched tensors by their byte
 * offsets, across every ArrayRecord chunk.
 */
export function decodeForwardBackwardOutput(bytes: Uint8Array): ForwardBackwardOutput {
  const message = fromBinary(ForwardBackwardOutputSchema, bytes);
  const metrics = { ...message.metrics };
  if (message.lossFnOutputs.length === 0) {
    return { loss_fn_output_type: message.lossFnOutputType || 'ArrayRecord', loss_fn_outputs: [], metrics };
  }
  const perField = new Map<string, TensorData[]>();
  let declared = 0;
  for (const record of message.lossFnOutputs) {
    declared += Number(record.numDatums);
    for (const [name, tensor] of Object.entries(record.fields)) {
      perField.set(name, [...(perField.get(name) ?? []), ...sliceBatched(tensor, name)]);
    }
  }
  const count = declared || (perField.values().next().value?.length ?? 0);
  const loss_fn_outputs = Array.from({ length: count }, (_, index) => {
    const datum: Record<string, TensorData> = {};
    for (const [name, tensors] of perField) {
      const tensor = tensors[index];
      if (!tensor) throw new RangeError(`loss_fn_outputs: field ${name} has ${tensors.length} datums, ${count} expected`);
      datum[name] = tensor;
    }
    return datum;
  });
  // The bare class name, as in the JSON form (`tinker.…:TensorData` → `TensorData`).
  return { loss_fn_output_type: message.lossFnOutputType.split(':').at(-1) ?? '', loss_fn_outputs, metrics };
}

/** The protobuf a server answers for a {@link ForwardBackwardOutput}: one ArrayRecord, a batched tensor per field. */
export function encodeForwardBackwardOutput(output: ForwardBackwardOutput): Uint8Array {
  const names = [...new Set(output.loss_fn_outputs.flatMap((datum) => Object.keys(datum)))];
  const fields = Object.fromEntries(
    names.map((name) => {
      const tensors = output.loss_fn_outputs.map((datum, index) => {
        const tensor = datum[name];
        if (!tensor) throw new RangeError(`loss_fn_outputs[${index}] has no ${name}`);
        return tensor;
      });
      const dtype = tensors[0]?.dtype ?? 'float32';
      const offsets = [0];
      const chunks = tensors.map((tensor, index) => {
        if (tensor.dtype !== dtype) throw new RangeError(`loss_fn_outputs[${index}].${name} is ${tensor.dtype}, not ${dtype}`);
        const packed = packValues(tensor.data, dtype, (at) => {
          throw new RangeError(`loss_fn_outputs[${index}].${name}.data[${at}] does not fit ${dtype}`);
        });
        offsets.push((offsets.at(-1) ?? 0) + packed.byteLength);
        return packed;
      });
      const data = new Uint8Array(offsets.at(-1) ?? 0);
      chunks.forEach((chunk, index) => {
        data.set(chunk, offsets[index]);
      });
      const tensor = {
        data,
        offsets: packValues(offsets, 'int64', () => {
          throw new RangeError('offsets');
        }),
        dtype: dtype === 'int64' ? DType.DTYPE_INT64 : DType.DTYPE_FLOAT32,
        trailingShape: (tensors[0]?.shape ?? []).slice(1).map((size) => BigInt(size)),
      };
      return [name, tensor];
    }),
  );
  const record = { numDatums: BigInt(output.loss_fn_outputs.length), fields };
  const message = create(ForwardBackwardOutputSchema, {
    lossFnOutputType: output.loss_fn_output_type,
    lossFnOutputs: output.loss_fn_outputs.length > 0 ? [record] : [],
    metrics: output.metrics,
  });
  return toBinary(ForwardBackwardOutputSchema, message);
}

function isMasked(pair: number[] | undefined): boolean {
  return pair !== undefined && pair[0] === TOPK_MASK.token && pair[1] === TOPK_MASK.logprob;
}

/** One datum's tensor per offset interval of a batched tensor, shaped `[n, ...trailing_shape]`. */
function sliceBatched(tensor: BatchedTensor, name: string): TensorData[] {
  const type = RESULT_DTYPES[tensor.dtype];
  if (!type) throw new RangeError(`loss_fn_outputs field ${name}: unsupported DType ${tensor.dtype}`);
  const width = packedWidth(type.kind);
  const offsets = unpackValues(tensor.offsets, 'int64', `${name}.offsets`);
  const trailing = tensor.trailingShape.map(Number);
  const inner = trailing.reduce((product, size) => product * size, 1);
  const tensors: TensorData[] = [];
  for (let index = 0; index + 1 < offsets.length; index++) {
    const start = offsets[index] ?? 0;
    const end = offsets[index + 1] ?? 0;
    if (start < 0 || end < start || end > tensor.data.byteLength || start % width !== 0 || end % width !== 0) {
      throw new RangeError(
        `loss_fn_outputs field ${name}: offsets ${start}..${end} do not cut ${tensor.data.byteLength} bytes of ${type.kind}`,
      );
    }
    const data = unpackValues(tensor.data.subarray(start, end), type.kind, name);
    tensors.push({ data, dtype: type.dtype, shape: [inner ? Math.floor(data.length / inner) : 0, ...trailing] });
  }
  return tensors;
}
