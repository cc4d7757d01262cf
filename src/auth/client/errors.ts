// Typed errors of the auth client. Each message says what failed and what to check.

/** Base class: every failure of an auth API call. */
export class AuthClientError extends Error {
  override name = "AuthClientError";
}

/** The server answered with an error: its status, code and message (written for people). */
export class AuthApiError extends AuthClientError {
  override name = "AuthApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No answer at all: refused, unknown host, reset, timed out. */
export class AuthUnreachableError extends AuthClientError {
  override name = "AuthUnreachableError";

  constructor(
    readonly addr: string,
    /** "connection refused", "timed out after 30 s", … */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach the auth service at ${addr}: ${reason}`, options);
  }
}

/** The server could not be trusted: not this cluster's CA, a pin that does not match. */
export class AuthTlsError extends AuthClientError {
  override name = "AuthTlsError";
}

/** The answer does not have the shape the contract says (a different server, or a bug). */
export class AuthProtocolError extends AuthClientError {
  override name = "AuthProtocolError";
}

/** An identity file that cannot be used. */
export class IdentityLoadError extends AuthClientError {
  override name = "IdentityLoadError";

  constructor(
    readonly path: string,
    readonly reason: "missing" | "unreadable" | "invalid",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
