/** A mistake in how a command was called: exit code 2, like a usage error from the parser. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Ends a command with a given exit code and no message (e.g. the exit code of a recorded command). */
export class CommandExit extends Error {
  override name = "CommandExit";
  constructor(readonly code: number) {
    super(`exit code ${code}`);
  }
}
