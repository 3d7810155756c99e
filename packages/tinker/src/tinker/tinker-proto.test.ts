import { createHash } from 'node:crypto';
import { clearField, clone, create, toBinary } from '@bufbuild/protobuf';
import { type DescriptorProto, FieldDescriptorProtoSchema, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { InvalidRequestError } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import {
  ArrayRecordSchema,
  BatchedTensorSchema,
  DType,
  ForwardBackwardOutputSchema,
  file_tinker_public,
  SampleResponseSchema,
  type StopReason,
} from '../generated/tinker_public_pb.js';
import { packValues } from './tinker-proto-arrays.js';
import { decodeForwardBackwardRequest, encodeForwardBackwardRequest, type ForwardBackwardRequestFields } from './tinker-proto-request.js';
import {
  decodeForwardBackwardOutput,
  decodeSampleResponse,
  encodeForwardBackwardOutput,
  encodeSampleResponse,
} from './tinker-proto-results.js';

// Golden bytes written by the real Tinker SDK 0.25.0 (commit d595dc2) and its generated messages,
// serialized deterministically, in the trixie chroot of the conformance environment:
// `forward_backward_request_to_proto(request)` with forward_only set, and a SampleResponse and a
// ForwardBackwardOutput built with `tinker_public_pb2` as a server builds them. The comments say
// what the SDK's own deserializers (`deserialize_sample_response`, ...) read from them.
const SDK = {
  request:
    '0a0c736573733a747261696e3a3010031a610a100a0e0a0c050000000600000007000000122d0a0d7461726765745f746f6b656e73121c0a18060000000000000007000000000000000800000000000000180212' +
    '1e0a077765696768747312130a0c0000003f0000803f0000803f1801220103220d63726f73735f656e74726f70792a0f0a04636c697011000000000000d03f3001',
  // [('length', [11, 12], [-0.5, -1.25]), ('stop', [13], None)]; prompt_logprobs [None, -2.0, -0.75];
  // topk [None, [(4, -0.5), (9, -1.5)], [(8, -0.25)]]; prompt_cache_hit_tokens 2.
  sample:
    '0a16080112080b0000000c0000001a08000000bf0000a0bf0a0612040d000000120c0000c07f000000c0000040bf1a380a180000000000000000040000000900000008000000000000001218804fc3c7804fc3c7' +
    '000000bf0000c0bf000080be804fc3c7180220032002',
  // TensorData {'loss:sum': 3.5} [{'logprobs': ([-1.0, -2.0], 'float32', [2])}, {'logprobs': ([-0.5], 'float32', [1])}]
  output:
    '0a1774696e6b65722e74797065733a54656e736f7244617461123a12360a086c6f6770726f6273122a0a0c000080bf000000c0000000bf1218000000000000000008000000000000000c0000000000000018011802' +
    '1a130a086c6f73733a73756d110000000000000c40',
};
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

const REQUEST: ForwardBackwardRequestFields = {
  model_id: 'sess:train:0',
  seq_id: 3,
  forward_only: true,
  forward_backward_input: {
    loss_fn: 'cross_entropy',
    loss_fn_config: { clip: 0.25 },
    data: [
      {
        model_input: { chunks: [{ type: 'encoded_text', tokens: [5, 6, 7] }] },
        // Given out of key order: the wire has them sorted, as the SDK writes them.
        loss_fn_inputs: {
          weights: { data: [0.5, 1, 1], dtype: 'float32', shape: [3] },
          target_tokens: { data: [6, 7, 8], dtype: 'int64' },
        },
      },
    ],
  },
};

describe('the Tinker protobuf messages', () => {
  it('are the descriptor SDK 0.25 embeds in tinker_public_pb2.py, byte for byte', () => {
    // The runtime fills in each field's json_name; protoc leaves the derived ones out.
    const proto = clone(FileDescriptorProtoSchema, file_tinker_public.proto);
    const strip = (message: DescriptorProto): void => {
      for (const field of message.field) clearField(field, FieldDescriptorProtoSchema.field.jsonName);
      message.nestedType.forEach(strip);
    };
    proto.messageType.forEach(strip);
    const descriptor = toBinary(FileDescriptorProtoSchema, proto);
    expect(descriptor.byteLength).toBe(2540);
    expect(createHash('sha256').update(descriptor).digest('hex')).toBe('a4758dd4562a4c91c47edd0a86c71c52042ade3a48355b07333b272b5f48ecae');
  });
});

describe('encodeForwardBackwardRequest', () => {
  it('writes the bytes SDK 0.25 writes for the same request', () => {
    expect(hex(encodeForwardBackwardRequest(REQUEST))).toBe(SDK.request);
  });

  it('reads back into the JSON shape, sparse tensors, images and dmel included', () => {
    const request: ForwardBackwardRequestFields = {
      model_id: 'm:train:1',
      seq_id: 9,
      forward_only: false,
      forward_backward_input: {
        loss_fn: 'ppo',
        data: [
          {
            model_input: {
              chunks: [
                { type: 'encoded_text', tokens: [0, 2_147_483_647, 42] },
                { type: 'image', data: 'iVBORw0KGgo=', format: 'png', expected_tokens: 4 },
                { type: 'dmel', dmel: 'AAECAw==' },
              ],
            },
            loss_fn_inputs: {
              advantages: {
                data: [1.5, 0, -2],
                dtype: 'float32',
                shape: [2, 2],
                sparse_crow_indices: [0, 2, 3],
                sparse_col_indices: [0, 1, 1],
              },
              target_tokens: { data: [2 ** 40, -3], dtype: 'int64', shape: [2] },
            },
          },
        ],
      },
    };
    expect(decodeForwardBackwardRequest(encodeForwardBackwardRequest(request))).toEqual(request);
    expect(decodeForwardBackwardRequest(bytes(SDK.request))).toEqual(REQUEST);
  });

  it('refuses what the wire cannot carry with an InvalidRequestError naming it, as the SDK refuses it', () => {
    const withChunk = (chunk: unknown) => ({
      ...REQUEST,
      forward_backward_input: {
        ...REQUEST.forward_backward_input,
        data: [{ model_input: { chunks: [chunk] }, loss_fn_inputs: {} }],
      },
    });
    const pointer = { type: 'image_asset_pointer', location: 's3://bucket/cat.png', format: 'png' };
    expect(() => encodeForwardBackwardRequest(withChunk(pointer) as never)).toThrow(
      expect.objectContaining({ name: 'InvalidRequestError', field: 'body.forward_backward_input.data[0].model_input.chunks[0]' }),
    );
    expect(() => encodeForwardBackwardRequest(withChunk({ type: 'encoded_text', tokens: [1, 2 ** 31] }) as never)).toThrow(
      /tokens\[1\] must be an integer that fits in int32/,
    );
    const fractional = {
      ...REQUEST,
      forward_backward_input: {
        ...REQUEST.forward_backward_input,
        data: [{ model_input: { chunks: [] }, loss_fn_inputs: { target_tokens: { data: [1, 2.5], dtype: 'int64' } } }],
      },
    };
    const error = (() => {
      try {
        encodeForwardBackwardRequest(fractional as never);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ field: 'body.forward_backward_input.data[0].loss_fn_inputs.target_tokens.data[1]' });
  });
});

describe('the protobuf results', () => {
  it('decode what a server writes into the JSON shape, as the SDK reads it', () => {
    expect(decodeSampleResponse(bytes(SDK.sample))).toEqual({
      sequences: [
        { stop_reason: 'length', tokens: [11, 12], logprobs: [-0.5, -1.25] },
        { stop_reason: 'stop', tokens: [13] },
      ],
      prompt_logprobs: [null, -2, -0.75],
      topk_prompt_logprobs: [
        null,
        [
          [4, -0.5],
          [9, -1.5],
        ],
        [[8, -0.25]],
      ],
      prompt_cache_hit_tokens: 2,
    });
    expect(decodeForwardBackwardOutput(bytes(SDK.output))).toEqual({
      loss_fn_output_type: 'TensorData',
      loss_fn_outputs: [
        { logprobs: { data: [-1, -2], dtype: 'float32', shape: [2] } },
        { logprobs: { data: [-0.5], dtype: 'float32', shape: [1] } },
      ],
      metrics: { 'loss:sum': 3.5 },
    });
  });

  it('encode to the bytes a server writes (what the mock answers SDK 0.25 with)', () => {
    expect(hex(encodeSampleResponse(decodeSampleResponse(bytes(SDK.sample))))).toBe(SDK.sample);
    const output = decodeForwardBackwardOutput(bytes(SDK.output));
    // The SDK reads the bare class name; a server writes the qualified one.
    expect(hex(encodeForwardBackwardOutput({ ...output, loss_fn_output_type: 'tinker.types:TensorData' }))).toBe(SDK.output);
  });

  it('widen int32 and bfloat16 results and join the datums of several ArrayRecord chunks', () => {
    const offsets = (...values: number[]) => packValues(values, 'int64', () => undefined as never);
    const bfloat16 = new Uint8Array([0x80, 0x3f, 0x00, 0xc0]); // 1.0, -2.0
    const message = create(ForwardBackwardOutputSchema, {
      lossFnOutputType: 'ArrayRecord',
      lossFnOutputs: [
        create(ArrayRecordSchema, {
          numDatums: 1n,
          fields: {
            scores: create(BatchedTensorSchema, {
              dtype: DType.DTYPE_BFLOAT16,
              data: bfloat16,
              offsets: offsets(0, 4),
              trailingShape: [2n],
            }),
          },
        }),
        create(ArrayRecordSchema, {
          numDatums: 1n,
          fields: {
            scores: create(BatchedTensorSchema, {
              dtype: DType.DTYPE_INT32,
              data: packValues([7, -8, 9, 10], 'int32', () => undefined as never),
              offsets: offsets(0, 16),
              trailingShape: [2n],
            }),
          },
        }),
      ],
    });
    expect(decodeForwardBackwardOutput(toBinary(ForwardBackwardOutputSchema, message)).loss_fn_outputs).toEqual([
      { scores: { data: [1, -2], dtype: 'float32', shape: [1, 2] } },
      { scores: { data: [7, -8, 9, 10], dtype: 'int64', shape: [2, 2] } },
    ]);
    const broken = create(ForwardBackwardOutputSchema, {
      lossFnOutputs: [
        create(ArrayRecordSchema, {
          numDatums: 1n,
          fields: {
            logprobs: create(BatchedTensorSchema, { dtype: DType.DTYPE_FLOAT32, data: new Uint8Array(4), offsets: offsets(0, 8) }),
          },
        }),
      ],
    });
    expect(() => decodeForwardBackwardOutput(toBinary(ForwardBackwardOutputSchema, broken))).toThrow(/offsets 0\.\.8 do not cut 4 bytes/);
    const unknown = toBinary(SampleResponseSchema, create(SampleResponseSchema, { sequences: [{ stopReason: 7 as StopReason }] }));
    expect(() => decodeSampleResponse(unknown)).toThrow(/unknown StopReason 7/);
  });
});
