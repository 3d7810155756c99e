import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { base64Decode, base64Encode } from '@bufbuild/protobuf/wire';
import { InvalidRequestError } from '@trainwire/core';
import type { components } from '../generated/tinker.js';
import {
  type Chunk,
  ChunkSchema,
  DatumSchema,
  DType,
  ForwardBackwardRequestSchema,
  type Tensor,
  TensorSchema,
} from '../generated/tinker_public_pb.js';
import { packValues, unpackValues } from './tinker-proto-arrays.js';

type Schemas = components['schemas'];

/** A forward_backward request in its JSON shape, plus the flag that replaced the `forward` route. */
export interface ForwardBackwardRequestFields {
  forward_backward_input: Schemas['ForwardBackwardInput'];
  model_id: string;
  seq_id?: number | undefined;
  /** Only the forward pass (what `TrainingClient.forward` sends). */
  forward_only?: boolean | undefined;
}

const PROTO_DTYPE: Record<Schemas['TensorData']['dtype'], DType> = { float32: DType.DTYPE_FLOAT32, int64: DType.DTYPE_INT64 };

/**
 * The protobuf body SDK 0.25 sends to `POST /api/v1/forward_backward` (a
 * `tinker_public.ForwardBackwardRequest`): tokens packed as int32, tensors in their dtype, sparse
 * CSR indices as int64. A value the wire cannot hold (an image given by reference, a fractional or
 * unsafe int64, a token out of int32 range) throws {@link InvalidRequestError} naming it.
 */
export function encodeForwardBackwardRequest(request: ForwardBackwardRequestFields): Uint8Array {
  const input = request.forward_backward_input;
  const at = 'body.forward_backward_input';
  const message = create(ForwardBackwardRequestSchema, {
    modelId: request.model_id,
    seqId: request.seq_id ?? 0,
    lossFn: input.loss_fn,
    lossFnConfig: sortedEntries(input.loss_fn_config ?? {}, (value) => value),
    forwardOnly: request.forward_only === true,
    data: input.data.map((datum, index) =>
      create(DatumSchema, {
        modelInput: datum.model_input.chunks.map((chunk, position) =>
          encodeChunk(chunk, `${at}.data[${index}].model_input.chunks[${position}]`),
        ),
        lossFnInputs: sortedEntries(datum.loss_fn_inputs, (tensor, name) =>
          encodeTensor(tensor, `${at}.data[${index}].loss_fn_inputs.${name}`),
        ),
      }),
    ),
  });
  return toBinary(ForwardBackwardRequestSchema, message);
}

/**
 * Read a protobuf forward_backward body back into its JSON shape (what a server does; the mock
 * uses it). Throws a `RangeError` naming the first thing that is not a valid request.
 */
export function decodeForwardBackwardRequest(bytes: Uint8Array): Required<ForwardBackwardRequestFields> {
  const message = fromBinary(ForwardBackwardRequestSchema, bytes);
  const config = Object.entries(message.lossFnConfig);
  return {
    model_id: message.modelId,
    seq_id: message.seqId,
    forward_only: message.forwardOnly,
    forward_backward_input: {
      loss_fn: message.lossFn as Schemas['LossFnType'],
      ...(config.length > 0 ? { loss_fn_config: Object.fromEntries(config) } : {}),
      data: message.data.map((datum, index) => ({
        model_input: { chunks: datum.modelInput.map((chunk, position) => decodeChunk(chunk, `data[${index}].model_input[${position}]`)) },
        loss_fn_inputs: Object.fromEntries(
          Object.entries(datum.lossFnInputs).map(([name, tensor]) => [name, decodeTensor(tensor, `data[${index}].loss_fn_inputs.${name}`)]),
        ),
      })),
    },
  };
}

type JsonChunk = Schemas['ModelInput']['chunks'][number];

/** A map field's entries in key order, as the SDK's deterministic serialization writes them. */
function sortedEntries<Value, Result>(map: Record<string, Value>, convert: (value: Value, key: string) => Result): Record<string, Result> {
  const keys = Object.keys(map).sort();
  return Object.fromEntries(keys.map((key) => [key, convert(map[key] as Value, key)]));
}

function encodeChunk(chunk: JsonChunk, field: string): Chunk {
  const bad = (reason: string): never => {
    throw new InvalidRequestError(field, reason);
  };
  switch (chunk.type) {
    case 'encoded_text': {
      const tokens = packValues(chunk.tokens, 'int32', (index) => bad(`tokens[${index}] must be an integer that fits in int32`));
      return create(ChunkSchema, { chunk: { case: 'encodedText', value: { tokens } } });
    }
    case 'image':
      return create(ChunkSchema, {
        chunk: {
          case: 'image',
          value: {
            data: base64Decode(chunk.data),
            format: chunk.format,
            ...(chunk.expected_tokens === undefined ? {} : { expectedTokens: chunk.expected_tokens }),
          },
        },
      });
    case 'dmel':
      return create(ChunkSchema, { chunk: { case: 'dmel', value: { dmel: base64Decode(chunk.dmel) } } });
    default:
      // The protobuf request has no image_asset_pointer chunk (the SDK refuses it the same way).
      return bad(`a ${chunk.type} chunk cannot be sent in a forward_backward request; send the image bytes as an image chunk`);
  }
}

function encodeTensor(tensor: Schemas['TensorData'], field: string): Tensor {
  const values = packValues(tensor.data, tensor.dtype, (index) => {
    throw new InvalidRequestError(`${field}.data[${index}]`, 'must be a safe integer for an int64 tensor');
  });
  const indices = (name: 'sparse_crow_indices' | 'sparse_col_indices') =>
    packValues(tensor[name] ?? [], 'int64', (index) => {
      throw new InvalidRequestError(`${field}.${name}[${index}]`, 'must be a safe integer');
    });
  const sparse = tensor.sparse_crow_indices !== undefined || tensor.sparse_col_indices !== undefined;
  if (sparse && (tensor.sparse_crow_indices === undefined || tensor.sparse_col_indices === undefined)) {
    throw new InvalidRequestError(field, 'sparse_crow_indices and sparse_col_indices go together');
  }
  return create(TensorSchema, {
    dtype: PROTO_DTYPE[tensor.dtype],
    shape: (tensor.shape ?? []).map((size) => BigInt(size)),
    encoding: sparse
      ? {
          case: 'sparseCsr',
          value: { values, crowIndices: indices('sparse_crow_indices'), colIndices: indices('sparse_col_indices') },
        }
      : { case: 'dense', value: values },
  });
}

function decodeChunk(chunk: Chunk, where: string): JsonChunk {
  switch (chunk.chunk.case) {
    case 'encodedText':
      return { type: 'encoded_text', tokens: unpackValues(chunk.chunk.value.tokens, 'int32', `${where}.tokens`) };
    case 'image': {
      const { data, format, expectedTokens } = chunk.chunk.value;
      if (format !== 'png' && format !== 'jpeg')
        throw new RangeError(`${where}: image format must be png or jpeg, got ${JSON.stringify(format)}`);
      return {
        type: 'image',
        data: base64Encode(data),
        format,
        ...(expectedTokens === undefined ? {} : { expected_tokens: expectedTokens }),
      };
    }
    case 'dmel':
      return { type: 'dmel', dmel: base64Encode(chunk.chunk.value.dmel) };
    default:
      throw new RangeError(`${where}: a chunk must be encoded_text, image or dmel`);
  }
}

function decodeTensor(tensor: Tensor, where: string): Schemas['TensorData'] {
  const dtype = tensor.dtype === DType.DTYPE_FLOAT32 ? 'float32' : tensor.dtype === DType.DTYPE_INT64 ? 'int64' : undefined;
  if (!dtype) throw new RangeError(`${where}: dtype must be DTYPE_FLOAT32 or DTYPE_INT64, got ${tensor.dtype}`);
  const shape = tensor.shape.length > 0 ? { shape: tensor.shape.map(Number) } : {};
  const { encoding } = tensor;
  if (encoding.case === 'dense') return { data: unpackValues(encoding.value, dtype, `${where}.dense`), dtype, ...shape };
  if (encoding.case === 'sparseCsr') {
    return {
      data: unpackValues(encoding.value.values, dtype, `${where}.sparse_csr.values`),
      dtype,
      ...shape,
      sparse_crow_indices: unpackValues(encoding.value.crowIndices, 'int64', `${where}.sparse_csr.crow_indices`),
      sparse_col_indices: unpackValues(encoding.value.colIndices, 'int64', `${where}.sparse_csr.col_indices`),
    };
  }
  return { data: [], dtype, ...shape };
}
