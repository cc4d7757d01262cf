// Low-level network failures in the words tsh prints.

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

/** TLS errors that mean "this certificate is not trusted", not "nobody answered". */
const TLS_TRUST_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
]);

export function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error ? String(error.code) : "";
}

/** "connection refused", …; undefined when the error is not a connection failure. */
export function unreachableReason(error: unknown): string | undefined {
  return REASONS[errorCode(error)];
}

export function isTlsTrustError(error: unknown): boolean {
  return TLS_TRUST_CODES.has(errorCode(error));
}
