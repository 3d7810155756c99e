/** Wrong command, flag or argument: printed with a hint to `--help` (or with `help` itself), exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** Printed under the error line instead of the hint (a group's commands; empty for none). */
  readonly help: string | undefined;

  constructor(message: string, options: { help?: string } = {}) {
    super(message);
    this.help = options.help;
  }
}

/** A problem with the local setup (no key, an unsafe config file): exit code 1. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** Exit codes of the trainwire CLIs (each README: "Exit codes"). */
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
