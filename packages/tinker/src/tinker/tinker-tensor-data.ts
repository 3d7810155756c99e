import { InvalidRequestError } from '@trainwire/core';
import type { components } from '../generated/tinker.js';

/** A tensor as the API defines it: flattened `data`, its `dtype`, and `shape` (plain objects of this shape are accepted everywhere). */
export type TensorData = components['schemas']['TensorData'];

/** The two element types the API carries: `int64` and `float32`. */
export type TensorDtype = TensorData['dtype'];

/** Numbers nested as deep as the tensor has dimensions: `number[]`, `number[][]`, ... */
export type NestedNumbers = readonly (number | NestedNumbers)[];

/** What {@link TinkerTensorData.fromArray} reads: nested number arrays (rectangular) or a typed array (one dimension). */
export type ArrayLikeTensor =
  | NestedNumbers
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** The dtype a typed array holds, or `undefined` for a plain array. */
function typedArrayDtype(values: ArrayLikeTensor): TensorDtype | undefined {
  if (!ArrayBuffer.isView(values)) return undefined;
  return values instanceof Float32Array || values instanceof Float64Array ? 'float32' : 'int64';
}

/** Flatten rectangular nested arrays into `data` and `shape`, or throw naming the first ragged or non-numeric place. */
function flatten(values: ArrayLikeTensor, field: string): { data: number[]; shape: number[] } {
  if (ArrayBuffer.isView(values)) {
    const data = Array.from(values as ArrayLike<number | bigint>, (value, index) => {
      if (typeof value === 'number') return value;
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new InvalidRequestError(`${field}[${index}]`, `${value} is beyond what JSON carries exactly (±2^53)`);
      }
      return Number(value);
    });
    return { data, shape: [data.length] };
  }
  if (!Array.isArray(values)) throw new InvalidRequestError(field, 'must be an array of numbers or a typed array');
  const shape: number[] = [];
  for (let level: unknown = values; Array.isArray(level); level = level[0]) shape.push(level.length);
  const data: number[] = [];
  const walk = (value: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (typeof value !== 'number')
        throw new InvalidRequestError(at, `expected a number, got ${Array.isArray(value) ? 'an array' : typeof value}`);
      data.push(value);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      throw new InvalidRequestError(at, `the array is ragged: expected ${shape[depth]} items here (shape [${shape.join(', ')}])`);
    }
    for (const [index, item] of value.entries()) walk(item, depth + 1, `${at}[${index}]`);
  };
  walk(values, 0, field);
  return { data, shape };
}

/** Throw naming the first value `dtype` cannot carry: a non-integer or unsafe integer for int64, a non-finite number for either. */
function checkDtype(data: readonly number[], dtype: TensorDtype, field: string): void {
  if (dtype !== 'int64' && dtype !== 'float32')
    throw new InvalidRequestError(`${field}.dtype`, `must be int64 or float32, got ${String(dtype)}`);
  data.forEach((value, index) => {
    const fits = dtype === 'int64' ? Number.isSafeInteger(value) : Number.isFinite(value);
    if (!fits)
      throw new InvalidRequestError(
        `${field}[${index}]`,
        `${value} is not ${dtype === 'int64' ? 'an int64 JSON carries exactly' : 'a finite float32'}`,
      );
  });
}

/**
 * A tensor with the helpers of the Python SDK's `tinker.types.TensorData` (`from_numpy` becomes
 * {@link TinkerTensorData.fromArray}, `tolist` becomes {@link TinkerTensorData.toArray}). It is a
 * {@link TensorData} on the wire: pass it wherever one is taken.
 *
 * @example
 * TensorData.fromArray([[1, 2], [3, 4]]);                 // { data: [1, 2, 3, 4], dtype: 'int64', shape: [2, 2] }
 * TensorData.fromArray(new Float32Array([0.5, 1]));       // dtype 'float32', shape [2]
 * TensorData.from(output.loss_fn_outputs[0].logprobs).toArray();
 */
export class TinkerTensorData implements TensorData {
  /** The values, flattened in row-major order (for a sparse tensor: the non-zero values). */
  readonly data: number[];
  readonly dtype: TensorDtype;
  /** The dense shape (`[n]` for a list of n values). */
  declare readonly shape?: number[];
  /** CSR row pointers (length rows + 1) of a sparse 2-D tensor. */
  declare readonly sparse_crow_indices?: number[];
  /** CSR column index of each value of a sparse 2-D tensor. */
  declare readonly sparse_col_indices?: number[];

  /** From the wire fields, checked: every value fits `dtype`. */
  constructor(fields: TensorData, field = 'tensor') {
    if (!Array.isArray(fields?.data)) throw new InvalidRequestError(`${field}.data`, 'must be an array of numbers');
    checkDtype(fields.data, fields.dtype, field);
    this.data = [...fields.data];
    this.dtype = fields.dtype;
    const optional = {
      shape: fields.shape,
      sparse_crow_indices: fields.sparse_crow_indices,
      sparse_col_indices: fields.sparse_col_indices,
    };
    for (const [name, value] of Object.entries(optional)) if (value !== undefined) Object.assign(this, { [name]: [...value] });
  }

  /**
   * A tensor of nested arrays or a typed array, its shape read from the nesting. The dtype is
   * `dtype` when given; else a typed array's (floats: float32, integers: int64); else int64 when
   * every value is an integer, float32 otherwise (JavaScript cannot tell `1.0` from `1`: pass
   * `'float32'` for float data that happens to be whole).
   */
  static fromArray(values: ArrayLikeTensor, dtype?: TensorDtype, field = 'values'): TinkerTensorData {
    const { data, shape } = flatten(values, field);
    const type = dtype ?? typedArrayDtype(values) ?? (data.every(Number.isSafeInteger) ? 'int64' : 'float32');
    return new TinkerTensorData({ data, dtype: type, shape }, field);
  }

  /** This class around a plain wire object (a result's `loss_fn_outputs` entry, say). */
  static from(tensor: TensorData): TinkerTensorData {
    return tensor instanceof TinkerTensorData ? tensor : new TinkerTensorData(tensor);
  }

  /** The values nested by `shape` (`tolist`); a sparse tensor comes back dense. */
  toArray(): NestedNumbers {
    const dense = this.sparse_crow_indices && this.sparse_col_indices ? this.#densify() : this.data;
    const shape = this.shape ?? [dense.length];
    const build = (depth: number, offset: number): NestedNumbers => {
      const size = shape[depth] ?? 0;
      if (depth === shape.length - 1) return dense.slice(offset, offset + size);
      const stride = shape.slice(depth + 1).reduce((product, dimension) => product * dimension, 1);
      return Array.from({ length: size }, (_, index) => build(depth + 1, offset + index * stride));
    };
    return shape.length === 0 ? dense : build(0, 0);
  }

  /** The plain JSON form. */
  toJSON(): TensorData {
    const { data, dtype, shape, sparse_crow_indices, sparse_col_indices } = this;
    return {
      data,
      dtype,
      ...(shape && { shape }),
      ...(sparse_crow_indices && { sparse_crow_indices }),
      ...(sparse_col_indices && { sparse_col_indices }),
    };
  }

  /** A sparse CSR 2-D tensor's values laid out densely, row by row. */
  #densify(): number[] {
    const [rows = 0, columns = 0] = this.shape ?? [];
    const dense = new Array<number>(rows * columns).fill(0);
    const pointers = this.sparse_crow_indices ?? [];
    const columnsOf = this.sparse_col_indices ?? [];
    for (let row = 0; row < rows; row++) {
      for (let at = pointers[row] ?? 0; at < (pointers[row + 1] ?? 0); at++)
        dense[row * columns + (columnsOf[at] ?? 0)] = this.data[at] ?? 0;
    }
    return dense;
  }
}

/** {@link TinkerTensorData} under the Python SDK's name: `TensorData.fromArray(values)`, `new TensorData({ data, dtype, shape })`. */
export const TensorData = TinkerTensorData;
