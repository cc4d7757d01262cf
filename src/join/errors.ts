// Typed errors of joining a cluster, each saying what to do about it.

/** The host has no stored identity and cannot join (no token, or auth refused it). */
export class JoinError extends Error {
  override name = "JoinError";
}

/** A stored identity under <data_dir>/node or <data_dir>/proxy is unreadable or damaged. */
export class HostIdentityError extends Error {
  override name = "HostIdentityError";
}
