import { describe, expectTypeOf, it } from 'vitest';
import { Datum, ModelInput, TensorData, type TrainingClient } from './index.js';

describe('the data helpers and the wire types share their names', () => {
  it('keeps plain objects of the wire shape assignable to Datum, ModelInput and TensorData', () => {
    const plain: Datum = {
      model_input: { chunks: [{ type: 'encoded_text', tokens: [1, 2] }] },
      loss_fn_inputs: { weights: { data: [1, 1], dtype: 'float32' } },
    };
    const input: ModelInput = plain.model_input;
    const tensor: TensorData = { data: [1], dtype: 'int64', shape: [1] };
    expectTypeOf(input.chunks).toBeArray();
    expectTypeOf(tensor.dtype).toEqualTypeOf<'int64' | 'float32'>();
    // @ts-expect-error a dtype the API does not have
    const wrong: TensorData = { data: [1], dtype: 'int32' };
    void wrong;
  });

  it('gives instances that are those wire types, with the helpers on top', () => {
    const datum = new Datum({ model_input: ModelInput.fromInts([1, 2]), loss_fn_inputs: { target_tokens: [2, 3] } });
    expectTypeOf(datum).toMatchTypeOf<Datum>();
    expectTypeOf(datum.model_input.appendInt(3).length).toBeNumber();
    expectTypeOf(TensorData.fromArray([[1, 2]])).toMatchTypeOf<TensorData>();
    expectTypeOf<TrainingClient['forwardBackward']>().parameter(0).toEqualTypeOf<Datum[]>();
    // @ts-expect-error loss inputs are numbers, not strings
    new Datum({ model_input: ModelInput.empty(), loss_fn_inputs: { weights: ['1'] } });
  });
});
