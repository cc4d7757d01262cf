// Who may use the SSH proxy: holders of a user certificate from the cluster's user CA, valid
// now, signed over this session. The login given to the proxy is not checked: it logs in
// nowhere, and the node checks the login of the session it runs.
import { parseSshCertificate } from "../../auth/ca/index.js";
import {
  checkUserCertificate,
  type PublicKeyAttempt,
  type UserCertificateDecision,
} from "../../ssh/index.js";

/** A principal of the offered certificate: the login given, when it is one. */
function ownPrincipal(attempt: PublicKeyAttempt): string {
  try {
    const { principals } = parseSshCertificate(attempt.key.data);
    return principals.includes(attempt.username)
      ? attempt.username
      : (principals[0] ?? attempt.username);
  } catch {
    // Not a certificate: checkUserCertificate says so.
    return attempt.username;
  }
}

export function checkProxyLogin(
  attempt: PublicKeyAttempt,
  options: { userCaKeys: readonly string[]; clientAddress: string },
): UserCertificateDecision {
  return checkUserCertificate(
    {
      username: ownPrincipal(attempt),
      key: attempt.key,
      signature: attempt.signature,
      blob: attempt.blob,
    },
    options,
  );
}
