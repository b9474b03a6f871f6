/** A mistake in how a command was called (a missing file, a bad argument): printed without a stack. */
export class CliError extends Error {
  override name = 'CliError';
}
