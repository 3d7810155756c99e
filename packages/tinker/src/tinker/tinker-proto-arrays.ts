/**
 * The packed arrays inside Tinker's protobuf messages: `bytes` fields holding little-endian int32,
 * int64, float32 or bfloat16 values (tokens, logprobs, tensors, offsets). Read and written through a
 * DataView, so the byte order is the wire's on every platform.
 */
export type PackedKind = 'int32' | 'int64' | 'float32' | 'bfloat16';

const WIDTH: Record<PackedKind, number> = { int32: 4, int64: 8, float32: 4, bfloat16: 2 };

/** Bytes per value of `kind`. */
export function packedWidth(kind: PackedKind): number {
  return WIDTH[kind];
}

/**
 * Pack `values` as `kind`. An int32 or int64 value must be a safe integer in range, or
 * `onBadValue` is told its index (and nothing is returned); float32 rounds as Float32Array does.
 */
export function packValues(
  values: readonly number[],
  kind: Exclude<PackedKind, 'bfloat16'>,
  onBadValue: (index: number) => never,
): Uint8Array {
  const bytes = new Uint8Array(values.length * WIDTH[kind]);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => {
    if (kind === 'float32') view.setFloat32(index * 4, value, true);
    else if (kind === 'int32') {
      if (!Number.isInteger(value) || value < -2_147_483_648 || value > 2_147_483_647) onBadValue(index);
      view.setInt32(index * 4, value, true);
    } else {
      if (!Number.isSafeInteger(value)) onBadValue(index);
      view.setBigInt64(index * 8, BigInt(value), true);
    }
  });
  return bytes;
}

/**
 * Unpack `bytes` as `kind` (bfloat16 widens to float32; an int64 beyond 2^53 loses precision as
 * a JavaScript number must). Throws when the length is not a multiple of the width.
 */
export function unpackValues(bytes: Uint8Array, kind: PackedKind, what: string): number[] {
  const width = WIDTH[kind];
  if (bytes.byteLength % width !== 0) throw new RangeError(`${what}: ${bytes.byteLength} bytes is not a whole number of ${kind} values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Array<number>(bytes.byteLength / width);
  const widened = new DataView(new ArrayBuffer(4));
  for (let index = 0; index < values.length; index++) {
    const at = index * width;
    if (kind === 'int32') values[index] = view.getInt32(at, true);
    else if (kind === 'float32') values[index] = view.getFloat32(at, true);
    else if (kind === 'int64') values[index] = Number(view.getBigInt64(at, true));
    else {
      // bfloat16 is the upper half of a float32.
      widened.setUint32(0, view.getUint16(at, true) << 16, false);
      values[index] = widened.getFloat32(0, false);
    }
  }
  return values;
}
