import { InvalidRequestError } from '@trainwire/core';
import type { components } from '../generated/tinker.js';
import { describeValue, quoteValue } from './tinker-describe-value.js';

/** `weights` (a training checkpoint) or `sampler_weights` (a sampler checkpoint). */
export type CheckpointKind = components['schemas']['CheckpointKind'];

/** A `tinker://<training_run_id>/<weights|sampler_weights>/<name>` path, taken apart. */
export interface ParsedTinkerPath {
  /** The path as given. */
  tinker_path: string;
  training_run_id: string;
  /** `training` for `weights/…`, `sampler` for `sampler_weights/…`. */
  checkpoint_type: 'training' | 'sampler';
  checkpoint_kind: CheckpointKind;
  checkpoint_name: string;
  /** `<kind>/<name>`, the id the REST API lists (e.g. `weights/0001`). */
  checkpoint_id: string;
}

const PREFIX = 'tinker://';

/** A string that is not a valid `tinker://<run>/<weights|sampler_weights>/<name>` path. Thrown before anything is sent. */
export class InvalidTinkerPathError extends InvalidRequestError {
  static override readonly brand: string = 'InvalidTinkerPathError';
  /** The rejected path. */
  readonly path: string;
  constructor(path: string, reason: string, field = 'tinker_path') {
    super(
      field,
      `${JSON.stringify(path)} is not a tinker path (${reason}); expected tinker://<training_run_id>/<weights|sampler_weights>/<name>`,
    );
    this.path = path;
  }
}

/**
 * Parse a tinker path the way the Tinker SDK does: exactly three `/`-separated parts after
 * `tinker://`, the middle one `weights` or `sampler_weights`, none empty.
 */
export function parseTinkerPath(path: string, field = 'tinker_path'): ParsedTinkerPath {
  if (typeof path !== 'string') throw new InvalidTinkerPathError(describeValue(path), `got ${typeof path}`, field);
  if (!path.startsWith(PREFIX)) throw new InvalidTinkerPathError(path, 'it must start with tinker://', field);
  const parts = path.slice(PREFIX.length).split('/');
  if (parts.length !== 3) throw new InvalidTinkerPathError(path, `it has ${parts.length} parts after tinker://, not 3`, field);
  const [trainingRunId = '', kind = '', name = ''] = parts;
  if (kind !== 'weights' && kind !== 'sampler_weights') {
    throw new InvalidTinkerPathError(path, `the checkpoint kind ${JSON.stringify(kind)} is neither weights nor sampler_weights`, field);
  }
  if (trainingRunId === '' || name === '')
    throw new InvalidTinkerPathError(path, 'the training run id and the name must not be empty', field);
  if ([trainingRunId, name].some((part) => part === '.' || part === '..')) {
    throw new InvalidTinkerPathError(path, 'a part must not be . or ..', field);
  }
  return {
    tinker_path: path,
    training_run_id: trainingRunId,
    checkpoint_type: kind === 'weights' ? 'training' : 'sampler',
    checkpoint_kind: kind,
    checkpoint_name: name,
    checkpoint_id: `${kind}/${name}`,
  };
}

/** Split a checkpoint id (`weights/0001`) into the two path parameters the REST API takes. */
export function splitCheckpointId(checkpointId: string): { checkpoint_kind: CheckpointKind; checkpoint_name: string } {
  const slash = typeof checkpointId === 'string' ? checkpointId.indexOf('/') : -1;
  const kind = slash < 0 ? '' : checkpointId.slice(0, slash);
  const name = slash < 0 ? '' : checkpointId.slice(slash + 1);
  if ((kind !== 'weights' && kind !== 'sampler_weights') || name === '' || name.includes('/')) {
    throw new InvalidRequestError('checkpoint_id', `${quoteValue(checkpointId)} must be weights/<name> or sampler_weights/<name>`);
  }
  return { checkpoint_kind: kind, checkpoint_name: name };
}

/** Build `tinker://<run>/<kind>/<name>`. */
export function formatTinkerPath(trainingRunId: string, checkpointId: string): string {
  return `${PREFIX}${trainingRunId}/${checkpointId}`;
}
