// Typed errors of the SSH node, each saying what to do about it.

export class NodeError extends Error {
  override name = "NodeError";
}

/** The node has no stored identity and cannot join (no token, or auth refused it). */
export class NodeJoinError extends NodeError {
  override name = "NodeJoinError";
}

/** A stored identity under <data_dir>/node is unreadable or damaged. */
export class NodeIdentityError extends NodeError {
  override name = "NodeIdentityError";
}

/** A login that does not exist on this host. */
export class UnknownLoginError extends NodeError {
  override name = "UnknownLoginError";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
