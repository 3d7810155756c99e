import { InvalidRequestError } from '@trainwire/core';
import type { components } from '../generated/tinker.js';

/** A Tinker model input as the API defines it: `{ chunks }` (plain objects of this shape are accepted everywhere). */
export type ModelInput = components['schemas']['ModelInput'];

/** One chunk of a {@link ModelInput}: tokens (`encoded_text`), an image, an image by reference, ... */
export type ModelInputChunk = ModelInput['chunks'][number];

/** `tokens` as an array of token ids, or an {@link InvalidRequestError} naming the first that is not one. */
function tokenIds(tokens: Iterable<number>, field: string): number[] {
  if (tokens === null || typeof (tokens as Partial<Iterable<number>>)?.[Symbol.iterator] !== 'function') {
    throw new InvalidRequestError(field, 'must be an array of token ids');
  }
  const ids = Array.from(tokens);
  ids.forEach((token, index) => {
    if (!Number.isSafeInteger(token) || token < 0) {
      throw new InvalidRequestError(`${field}[${index}]`, `a token id is a non-negative integer, got ${String(token)}`);
    }
  });
  return ids;
}

/** How many tokens a chunk takes in the context, as the Python SDK counts them. */
function chunkLength(chunk: ModelInputChunk, index: number): number {
  if (chunk.type === 'encoded_text') return chunk.tokens.length;
  if ((chunk.type === 'image' || chunk.type === 'image_asset_pointer') && chunk.expected_tokens !== undefined) {
    return chunk.expected_tokens;
  }
  throw new InvalidRequestError(
    `chunks[${index}]`,
    chunk.type.startsWith('image')
      ? 'an image chunk needs expected_tokens to count its length'
      : `the length of a ${chunk.type} chunk is not known to this client`,
  );
}

/**
 * A model input with the helpers of the Python SDK's `tinker.types.ModelInput`
 * (`from_ints`, `empty`, `append`, `append_int`, `to_ints`, `length`), in camelCase. It is a
 * {@link ModelInput} on the wire: pass it wherever one is taken. Each method returns a new input.
 *
 * @example
 * const prompt = ModelInput.fromInts([9906, 1917]).appendInt(0); // prompt.length === 3
 */
export class TinkerModelInput implements ModelInput {
  /** The chunks, in order. */
  readonly chunks: ModelInputChunk[];

  constructor(chunks: readonly ModelInputChunk[] = []) {
    this.chunks = [...chunks];
  }

  /** One `encoded_text` chunk of `tokens` (`ModelInput.from_ints`). Throws {@link InvalidRequestError} for an id that is not a non-negative integer. */
  static fromInts(tokens: Iterable<number>): TinkerModelInput {
    return new TinkerModelInput([{ type: 'encoded_text', tokens: tokenIds(tokens, 'tokens') }]);
  }

  /** An input with no chunks (`ModelInput.empty`). */
  static empty(): TinkerModelInput {
    return new TinkerModelInput();
  }

  /** This class around a plain `{ chunks }` object (from JSON, say). */
  static from(input: ModelInput): TinkerModelInput {
    if (input instanceof TinkerModelInput) return input;
    if (!Array.isArray(input?.chunks)) throw new InvalidRequestError('model_input.chunks', 'must be an array of chunks');
    return new TinkerModelInput(input.chunks);
  }

  /** A new input with `chunk` added at the end (`append`). */
  append(chunk: ModelInputChunk): TinkerModelInput {
    return new TinkerModelInput([...this.chunks, chunk]);
  }

  /** A new input with one token added at the end, as a chunk of its own, as the Python SDK does (`append_int`). */
  appendInt(token: number): TinkerModelInput {
    return this.append({ type: 'encoded_text', tokens: tokenIds([token], 'token') });
  }

  /** Every token, in order (`to_ints`); throws {@link InvalidRequestError} when a chunk is not text. */
  toInts(): number[] {
    return this.chunks.flatMap((chunk, index) => {
      if (chunk.type !== 'encoded_text') {
        throw new InvalidRequestError(`chunks[${index}]`, `toInts() reads only encoded_text chunks, got ${chunk.type}`);
      }
      return chunk.tokens;
    });
  }

  /** The context length this input takes: its tokens, plus each image's `expected_tokens` (`length`). */
  get length(): number {
    return this.chunks.reduce((total, chunk, index) => total + chunkLength(chunk, index), 0);
  }

  /** The plain `{ chunks }` JSON form. */
  toJSON(): ModelInput {
    return { chunks: this.chunks };
  }
}

/** {@link TinkerModelInput} under the Python SDK's name: `ModelInput.fromInts(tokens)`, `new ModelInput(chunks)`. */
export const ModelInput = TinkerModelInput;
