// OpenSSH certificates over ssh2 (patched by patches/ssh2+1.17.0.patch), shared by the node, the
// proxy and tsh: host certificates for SSH servers, user certificate checks for their
// authentication handlers, and the client side of both.

export { HOST_CERTIFICATE_ALGORITHMS } from "./ssh2-options.js";
export type { SshCertificateInput, SshPrivateKeyInput } from "./keys.js";
export {
  hostKeyWithCertificate,
  type HostKeyWithCertificate,
  type HostKeyWithCertificateParams,
} from "./host-key.js";
export {
  checkUserCertificate,
  userCaKeys,
  type PublicKeyAttempt,
  type UserCertificateAuthOptions,
  type UserCertificateDecision,
  type UserCertificateRejection,
} from "./user-auth.js";
export {
  hostCertificateVerifier,
  userCertificateAuth,
  type HostCertificateConnectConfig,
  type HostCertificateRejection,
  type HostCertificateVerifierOptions,
  type UserCertificateAuthParams,
  type UserCertificateConnectConfig,
} from "./client-auth.js";
export { certificateRoles, RoleCache } from "./roles.js";
export { certifiedServerConfig, setNoDelay, type KeepAlive } from "./server-config.js";
