import { InvalidRequestError } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { formatTinkerPath, InvalidTinkerPathError, parseTinkerPath, splitCheckpointId } from './tinker-path.js';

describe('parseTinkerPath', () => {
  it('takes a weights path apart, keeping the colons of the run id', () => {
    expect(parseTinkerPath('tinker://b89f6676-49c4-53ed-9788-2e0c81a9eabf:train:0/weights/final')).toEqual({
      tinker_path: 'tinker://b89f6676-49c4-53ed-9788-2e0c81a9eabf:train:0/weights/final',
      training_run_id: 'b89f6676-49c4-53ed-9788-2e0c81a9eabf:train:0',
      checkpoint_type: 'training',
      checkpoint_kind: 'weights',
      checkpoint_name: 'final',
      checkpoint_id: 'weights/final',
    });
  });

  it('reads sampler_weights as a sampler checkpoint', () => {
    const parsed = parseTinkerPath('tinker://run/sampler_weights/x');
    expect([parsed.checkpoint_type, parsed.checkpoint_id]).toEqual(['sampler', 'sampler_weights/x']);
  });

  it.each([
    ['https://run/weights/0001', /must start with tinker:\/\//],
    ['tinker://run/weights', /2 parts after tinker:\/\/, not 3/],
    ['tinker://run/weights/a/b', /4 parts/],
    ['tinker://run/checkpoints/0001', /neither weights nor sampler_weights/],
    ['tinker:///weights/0001', /must not be empty/],
    ['tinker://run/weights/', /must not be empty/],
    ['tinker://../weights/x', /must not be \. or \.\./],
  ])('refuses %s with a typed error naming the field', (path, reason) => {
    const error = (() => {
      try {
        parseTinkerPath(path);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidTinkerPathError);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidTinkerPathError).field).toBe('tinker_path');
    expect((error as InvalidTinkerPathError).path).toBe(path);
    expect((error as Error).message).toMatch(reason);
  });

  it('names the field it was given', () => {
    expect(() => parseTinkerPath('nope', 'model_path')).toThrow(/Invalid model_path: "nope"/);
  });
});

describe('splitCheckpointId / formatTinkerPath', () => {
  it('splits a checkpoint id into kind and name', () => {
    expect(splitCheckpointId('sampler_weights/step-10')).toEqual({ checkpoint_kind: 'sampler_weights', checkpoint_name: 'step-10' });
    expect(formatTinkerPath('run:train:1', 'weights/0001')).toBe('tinker://run:train:1/weights/0001');
  });

  it.each(['0001', 'weights/', 'optimizer/0001', 'weights/a/b'])('refuses the checkpoint id %s', (id) => {
    expect(() => splitCheckpointId(id)).toThrow(InvalidRequestError);
  });
});
