// Errors of the client side. Each message is the one line tsh prints after "ERROR: ", so it
// says what failed and what to do about it.

/** Base class: a failure the user can act on, its message written for them. */
export class ClientError extends Error {
  override name = "ClientError";
}

/** No profile and no identity file. */
export class NotLoggedInError extends ClientError {
  override name = "NotLoggedInError";
  constructor() {
    super("not logged in: run tsh login --proxy=HOST:PORT --user=NAME");
  }
}

/** Nothing answered at an address (refused, unknown host, timed out). */
export class UnreachableError extends ClientError {
  override name = "UnreachableError";
  constructor(
    readonly what: string,
    readonly addr: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach ${what} at ${addr}: ${reason}`, options);
  }
}
