// Low-level network failures in the words tsh prints (the auth client's, for a connection).
import { errorCode } from "../auth/index.js";

export { errorCode, unreachableReason } from "../auth/index.js";

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

export function isTlsTrustError(error: unknown): boolean {
  return TLS_TRUST_CODES.has(errorCode(error));
}
