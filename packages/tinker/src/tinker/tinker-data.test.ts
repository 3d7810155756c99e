import { InvalidRequestError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createTinkerMock } from '../mocks/tinker.js';
import { Datum, ModelInput, TensorData } from './index.js';
import { ServiceClient } from './tinker-service-client.js';

/** The error `action` throws. */
const thrown = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return error as InvalidRequestError;
  }
  throw new Error('expected a throw');
};

describe('ModelInput', () => {
  it('builds the chunks the Python SDK builds: from_ints, append_int, empty, to_ints, length', () => {
    const input = ModelInput.fromInts([9906, 1917]);
    expect(JSON.parse(JSON.stringify(input))).toEqual({ chunks: [{ type: 'encoded_text', tokens: [9906, 1917] }] });
    const longer = input.appendInt(0);
    // append_int adds a chunk of its own and leaves the original as it was.
    expect(longer.chunks).toEqual([
      { type: 'encoded_text', tokens: [9906, 1917] },
      { type: 'encoded_text', tokens: [0] },
    ]);
    expect(input.length).toBe(2);
    expect(longer.length).toBe(3);
    expect(longer.toInts()).toEqual([9906, 1917, 0]);
    expect(ModelInput.empty().length).toBe(0);
    expect(ModelInput.empty().appendInt(7).toInts()).toEqual([7]);
    expect(ModelInput.fromInts(new Uint32Array([1, 2])).toInts()).toEqual([1, 2]);
  });

  it('counts an image by its expected_tokens, and says why when it cannot', () => {
    const image = ModelInput.fromInts([1]).append({
      type: 'image_asset_pointer',
      location: 's3://bucket/cat.png',
      format: 'png',
      expected_tokens: 64,
    });
    expect(image.length).toBe(65);
    expect(() => image.toInts()).toThrow(/toInts\(\) reads only encoded_text chunks, got image_asset_pointer/);
    const unknown = ModelInput.empty().append({ type: 'image', data: 'iVBORw0KGgo=', format: 'png' });
    expect(() => unknown.length).toThrow(/chunks\[0\].*needs expected_tokens/);
  });

  it('refuses a token id that is not a non-negative integer, naming it', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      const error = thrown(() => ModelInput.fromInts([3, bad]));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe('tokens[1]');
    }
    expect(thrown(() => ModelInput.fromInts(5 as unknown as number[])).field).toBe('tokens');
    expect(thrown(() => ModelInput.empty().appendInt(-2)).field).toBe('token[0]');
  });
});

describe('TensorData', () => {
  it('reads the shape from nested arrays and the dtype from the values or the typed array', () => {
    expect(
      TensorData.fromArray([
        [1, 2, 3],
        [4, 5, 6],
      ]).toJSON(),
    ).toEqual({ data: [1, 2, 3, 4, 5, 6], dtype: 'int64', shape: [2, 3] });
    expect(TensorData.fromArray([0.5, 1]).toJSON()).toEqual({ data: [0.5, 1], dtype: 'float32', shape: [2] });
    expect(TensorData.fromArray([1, 2], 'float32').dtype).toBe('float32');
    expect(TensorData.fromArray(new Float32Array([1, 2])).dtype).toBe('float32');
    expect(TensorData.fromArray(new Int32Array([1, 2])).toJSON()).toEqual({ data: [1, 2], dtype: 'int64', shape: [2] });
    expect(TensorData.fromArray(new BigInt64Array([5n, -7n])).data).toEqual([5, -7]);
  });

  it('gives the values back nested by shape (tolist), a sparse tensor dense', () => {
    const tensor = TensorData.fromArray([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    expect(tensor.shape).toEqual([2, 2, 2]);
    expect(tensor.toArray()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    // [[0, 2, 0], [0, 0, 3]] in CSR form, as the SDK sends a sparse 2-D weights tensor.
    const sparse = TensorData.from({
      data: [2, 3],
      dtype: 'float32',
      shape: [2, 3],
      sparse_crow_indices: [0, 1, 2],
      sparse_col_indices: [1, 2],
    });
    expect(sparse.toArray()).toEqual([
      [0, 2, 0],
      [0, 0, 3],
    ]);
    expect(TensorData.from({ data: [1, 2], dtype: 'int64' }).toArray()).toEqual([1, 2]);
  });

  it('refuses ragged arrays and values the dtype cannot carry, naming the place', () => {
    expect(thrown(() => TensorData.fromArray([[1, 2], [3]])).field).toBe('values[1]');
    expect(thrown(() => TensorData.fromArray([[1, 2], 3] as number[][])).field).toBe('values[1]');
    expect(thrown(() => TensorData.fromArray([1, [2]] as number[])).field).toBe('values[1]');
    expect(thrown(() => TensorData.fromArray([1, 2.5], 'int64')).field).toBe('values[1]');
    expect(thrown(() => TensorData.fromArray([1, Number.POSITIVE_INFINITY])).field).toBe('values[1]');
    expect(thrown(() => TensorData.fromArray(new BigInt64Array([2n ** 60n]))).message).toMatch(/beyond what JSON carries exactly/);
    expect(thrown(() => TensorData.fromArray([1], 'int32' as 'int64')).field).toBe('values.dtype');
  });
});

describe('Datum', () => {
  const tokens = [101, 7592, 2088, 999, 102];
  const promptLength = 2;
  const weights = tokens.map((_, index) => (index < promptLength ? 0 : 1));

  it('converts cross_entropy inputs given as arrays to tensors of their dtype, as the Python SDK does', () => {
    const datum = new Datum({
      model_input: ModelInput.fromInts(tokens.slice(0, -1)),
      loss_fn_inputs: { target_tokens: tokens.slice(1), weights: weights.slice(1) },
    });
    // What `Datum(model_input=ModelInput.from_ints(...), loss_fn_inputs={...lists})` sends in the SDK.
    expect(JSON.parse(JSON.stringify(datum))).toEqual({
      model_input: { chunks: [{ type: 'encoded_text', tokens: [101, 7592, 2088, 999] }] },
      loss_fn_inputs: {
        target_tokens: { data: [7592, 2088, 999, 102], dtype: 'int64', shape: [4] },
        weights: { data: [0, 1, 1, 1], dtype: 'float32', shape: [4] },
      },
    });
    expect(datum.loss_fn_inputs.weights).toBeInstanceOf(TensorData);
    expect(datum.model_input.length).toBe(4);
  });

  it('keeps tensors and plain model inputs, converts typed arrays, and refuses what it cannot type', () => {
    const advantages = TensorData.fromArray([0.5, -0.5]);
    const datum = new Datum({
      model_input: { chunks: [{ type: 'encoded_text', tokens: [1, 2] }] },
      loss_fn_inputs: {
        advantages,
        logprobs: new Float64Array([-1.5, -2]),
        target_tokens: { data: [2, 3], dtype: 'int64' },
        score: new Int32Array([4]),
      },
    });
    expect(datum.loss_fn_inputs.advantages).toBe(advantages);
    expect(datum.loss_fn_inputs.logprobs?.toJSON()).toEqual({ data: [-1.5, -2], dtype: 'float32', shape: [2] });
    expect(datum.loss_fn_inputs.score?.dtype).toBe('int64');
    expect(datum.model_input.appendInt(3).toInts()).toEqual([1, 2, 3]);
    expect(thrown(() => new Datum({ model_input: ModelInput.empty(), loss_fn_inputs: { target_tokens: [1, 2.5] } })).field).toBe(
      'loss_fn_inputs.target_tokens[1]',
    );
    expect(thrown(() => new Datum({ model_input: ModelInput.empty(), loss_fn_inputs: { reward: [1] } })).message).toMatch(
      /loss_fn_inputs\.reward: has no known dtype: pass TensorData\.fromArray/,
    );
    expect(thrown(() => new Datum({ model_input: ModelInput.empty(), loss_fn_inputs: { weights: [[1, 2], [3]] } })).field).toBe(
      'loss_fn_inputs.weights[1]',
    );
    expect(thrown(() => new Datum({ model_input: {} as ModelInput, loss_fn_inputs: {} })).field).toBe('model_input.chunks');
  });

  describe('through the mock', () => {
    let mock = createTinkerMock();
    useMockServer(() => {
      mock = createTinkerMock({ seed: 5, speed: 1000 });
      return mock.handlers;
    });

    it('is what forward_backward and sample accept: the spec check passes and the loss reads every target', async () => {
      const service = new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0 });
      const training = await service.createLoraTrainingClient({ base_model: 'Qwen/Qwen3-8B', rank: 8 });
      const datum = new Datum({
        model_input: ModelInput.fromInts(tokens.slice(0, -1)),
        loss_fn_inputs: { target_tokens: tokens.slice(1), weights: weights.slice(1) },
      });
      const output = await training.forwardBackward([datum], 'cross_entropy');
      expect(TensorData.from(output.loss_fn_outputs[0]?.logprobs ?? { data: [], dtype: 'float32' }).toArray()).toHaveLength(4);
      expect(output.metrics['loss:sum']).toBeGreaterThan(0);

      const { path } = await training.saveWeightsForSampler('data-helpers');
      const sampler = await service.createSamplingClient({ model_path: path ?? '' });
      const { sequences } = await sampler.sample(ModelInput.fromInts([101, 7592]), 1, { max_tokens: 3 });
      expect(sequences).toHaveLength(1);
      await service.close();
    });
  });
});
