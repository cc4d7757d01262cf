// Low-level network failures in words a user reads: the auth client's, and tsh's for the proxy.

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "timed out",
  EPIPE: "the connection was closed",
};

/** The `code` of a Node.js system or TLS error; "" for anything else. */
export function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error ? String(error.code) : "";
}

/** "connection refused", …; undefined when the error is not a connection failure. */
export function unreachableReason(error: unknown): string | undefined {
  return REASONS[errorCode(error)];
}
