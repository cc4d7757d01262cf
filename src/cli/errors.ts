/** A mistake in how a command was called: exit code 2, like a usage error from the parser. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A command that a later part of the project will implement. */
export class NotImplementedError extends Error {
  override name = "NotImplementedError";
  constructor(command: string, issue: number) {
    super(`${command}: not implemented yet (tracked in issue #${issue})`);
  }
}
