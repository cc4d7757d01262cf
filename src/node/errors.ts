// Typed errors of the SSH node, each saying what to do about it.

export class NodeError extends Error {
  override name = "NodeError";
}

/** A login that does not exist on this host. */
export class UnknownLoginError extends NodeError {
  override name = "UnknownLoginError";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
