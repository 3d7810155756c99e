/** Wrong command, flag or argument: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A problem with the local setup (no key, an unsafe config file): exit code 1. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** Exit codes of `middleman` (README: "Exit codes"). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** `jobs watch`: the job failed. */
  jobFailed: 3,
  /** `jobs watch`: the job was cancelled. */
  jobCancelled: 4,
  /** Stopped with Ctrl-C. */
  interrupted: 130,
} as const;
