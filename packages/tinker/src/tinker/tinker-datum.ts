import { InvalidRequestError } from '@trainwire/core';
import type { components } from '../generated/tinker.js';
import { type ModelInput, TinkerModelInput } from './tinker-model-input.js';
import { type ArrayLikeTensor, type TensorData, type TensorDtype, TinkerTensorData } from './tinker-tensor-data.js';

/** One training example as the API defines it: `{ model_input, loss_fn_inputs }` (plain objects of this shape are accepted everywhere). */
export type Datum = components['schemas']['Datum'];

/** The fields {@link TinkerDatum} is built from: each loss input a {@link TensorData}, nested number arrays or a typed array. */
export interface DatumFields {
  model_input: ModelInput;
  /** @default {} */
  loss_fn_inputs?: Record<string, TensorData | ArrayLikeTensor>;
}

/**
 * The dtype of each loss input the losses read, as the Python SDK converts a list given for it:
 * `cross_entropy` reads `target_tokens` and `weights`; the RL losses `advantages`, `logprobs` and
 * the clip thresholds.
 */
export const LOSS_FN_INPUT_DTYPES: Readonly<Record<string, TensorDtype>> = Object.freeze({
  target_tokens: 'int64',
  weights: 'float32',
  advantages: 'float32',
  logprobs: 'float32',
  clip_low_threshold: 'float32',
  clip_high_threshold: 'float32',
});

/** One loss input as a tensor: kept when it is one, converted to its key's dtype when it is an array. */
function lossInput(name: string, value: TensorData | ArrayLikeTensor, field: string): TinkerTensorData {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    if (value instanceof TinkerTensorData) return value;
    return new TinkerTensorData(value as TensorData, field);
  }
  const dtype = Object.hasOwn(LOSS_FN_INPUT_DTYPES, name) ? LOSS_FN_INPUT_DTYPES[name] : undefined;
  if (dtype === undefined && !ArrayBuffer.isView(value)) {
    throw new InvalidRequestError(
      field,
      `has no known dtype: pass TensorData.fromArray(values, 'int64' | 'float32') for ${JSON.stringify(name)}`,
    );
  }
  return TinkerTensorData.fromArray(value, dtype, field);
}

/**
 * A training example with the conversions of the Python SDK's `tinker.types.Datum`: a loss input
 * given as an array becomes a {@link TinkerTensorData} of its key's dtype (`target_tokens` int64,
 * `weights` float32, ... see {@link LOSS_FN_INPUT_DTYPES}), its shape read from the nesting. A
 * value its dtype cannot carry, a ragged array or an array under an unknown key throws
 * {@link InvalidRequestError} naming it. It is a {@link Datum} on the wire.
 *
 * @example
 * // cross_entropy: predict each next token, weighted (0 for the prompt, 1 for the completion)
 * const tokens = [...promptTokens, ...completionTokens];
 * const weights = tokens.map((_, index) => (index < promptTokens.length ? 0 : 1));
 * const datum = new Datum({
 *   model_input: ModelInput.fromInts(tokens.slice(0, -1)),
 *   loss_fn_inputs: { target_tokens: tokens.slice(1), weights: weights.slice(1) },
 * });
 */
export class TinkerDatum implements Datum {
  readonly model_input: TinkerModelInput;
  readonly loss_fn_inputs: Record<string, TinkerTensorData>;

  constructor(fields: DatumFields) {
    if (fields === null || typeof fields !== 'object') throw new InvalidRequestError('datum', 'must be { model_input, loss_fn_inputs }');
    this.model_input = TinkerModelInput.from(fields.model_input);
    const inputs = fields.loss_fn_inputs ?? {};
    this.loss_fn_inputs = Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [name, lossInput(name, value, `loss_fn_inputs.${name}`)]),
    );
  }

  /** The plain JSON form. */
  toJSON(): Datum {
    return {
      model_input: this.model_input.toJSON(),
      loss_fn_inputs: Object.fromEntries(Object.entries(this.loss_fn_inputs).map(([name, tensor]) => [name, tensor.toJSON()])),
    };
  }
}

/** {@link TinkerDatum} under the Python SDK's name: `new Datum({ model_input, loss_fn_inputs })`. */
export const Datum = TinkerDatum;
