// Certificate authorities of the cluster: SSH keys and OpenSSH certificates (user and host CAs),
// X.509 certificates for mutual TLS (Ed25519) and the browser-facing proxy (P-256), the stored
// form of the CAs, and Teleport identity files. The rest of src/auth uses only this file.

export {
  CaError,
  ClusterCasError,
  IdentityFileError,
  SshFormatError,
  SshSigningError,
  TlsCertificateError,
} from "./errors.js";

// SSH keys
export { generateSshKeyPair, sshKeyPairFromPrivateKey, type SshKeyPair } from "./ssh/key-pair.js";
export {
  decodeSshPublicKey,
  encodeSshPublicKey,
  formatAuthorizedKey,
  parseAuthorizedKey,
  sshFingerprint,
} from "./ssh/public-key.js";
export { formatOpensshPrivateKey, parseOpensshPrivateKey } from "./ssh/private-key.js";

// SSH certificates
export {
  parseSshCertificate,
  SSH_CERT_FOREVER,
  SSH_ED25519_CERT,
  sshTimeFromDate,
  type SshCertificate,
  type SshCertificateFields,
  type SshCertOptions,
  type SshCertType,
} from "./ssh/certificate.js";
export {
  DEFAULT_USER_EXTENSIONS,
  signSshCertificate,
  type SignedSshCertificate,
  type SignSshCertificateParams,
} from "./ssh/sign.js";
export {
  verifySshCertificate,
  type SshCertificateCheck,
  type SshCertificateRejection,
  type VerifySshCertificateOptions,
} from "./ssh/verify.js";
export {
  formatAuthorizedKeysCaLine,
  formatKnownHostsCaLine,
  parseKnownHostsCaLine,
  type KnownHostsCaParams,
} from "./ssh/ca-lines.js";

// TLS
export {
  CLOCK_SKEW_MS,
  createTlsCa,
  loadTlsCa,
  TLS_CA_VALIDITY_YEARS,
  type CreateTlsCaParams,
  type TlsCa,
} from "./tls/ca.js";
export {
  issueTlsCertificate,
  type IssuedTlsCertificate,
  type IssueTlsCertificateParams,
  type TlsUsage,
} from "./tls/issue.js";
export {
  SELF_SIGNED_VALIDITY_MS,
  selfSignedP256Certificate,
  type SelfSignedCertificate,
  type SelfSignedParams,
} from "./tls/self-signed.js";
export { caPin } from "./tls/pin.js";
export { readTlsIdentity, type TlsIdentity } from "./tls/identity.js";
export {
  certificateFromPem,
  keyMatchesCertificate,
  privateKeyFromPem,
  privateKeyToPem,
  splitPemCertificates,
  type TlsKeyAlgorithm,
} from "./tls/keys.js";

// Cluster CAs and identity files
export {
  generateClusterCas,
  loadClusterCas,
  storeClusterCas,
  type ClusterCas,
  type SshCa,
  type StoredClusterCas,
} from "./cluster-cas.js";
export {
  formatIdentityFile,
  parseIdentityFile,
  type IdentityFile,
  type ParsedIdentityFile,
} from "./identity-file.js";
