/** A mistake in the command line or the codegen config; the CLI exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
