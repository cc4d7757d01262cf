// What patches/ssh2+1.17.0.patch adds to ssh2, typed for @types/ssh2 (which knows nothing of
// certificates), so callers pass the new options without casts.

import type { ServerHostKeyAlgorithm } from "ssh2";
import { SSH_ED25519_CERT } from "../auth/ca/index.js";

declare module "ssh2" {
  interface ConnectConfig {
    /** An OpenSSH certificate for `privateKey` (blob or *-cert.pub line), offered instead of it. */
    certificate?: Buffer | string;
  }
  interface PublicKeyAuthMethod {
    /** An OpenSSH certificate for `key`, offered instead of it. */
    certificate?: Buffer | string;
  }
  interface EncryptedPrivateKey {
    /** The host certificate for `key`: the server then also offers its certificate type. */
    certificate?: Buffer | string;
  }
}

/**
 * The host key algorithms a client asks for to get the host certificate. @types/ssh2 lists only
 * the algorithms stock ssh2 supports, hence the cast; the patched ssh2 accepts this one.
 */
export const HOST_CERTIFICATE_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = Object.freeze([
  SSH_ED25519_CERT,
] as string[] as ServerHostKeyAlgorithm[]);
