// Keys and certificates in the forms ssh2 takes, checked before ssh2 sees them so a mismatch
// fails here with a clear message rather than as a refused login.

import type { KeyObject } from "node:crypto";
import {
  encodeSshPublicKey,
  formatOpensshPrivateKey,
  parseOpensshPrivateKey,
  parseSshCertificate,
  type SshCertificate,
  type SshCertType,
} from "../auth/ca/index.js";

/** An Ed25519 private key: a KeyObject or the text of an unencrypted OpenSSH private key. */
export type SshPrivateKeyInput = KeyObject | string;

/** An OpenSSH certificate: its blob or a *-cert.pub line. */
export type SshCertificateInput = Uint8Array | string;

export interface CertifiedKey {
  /** The private key as an OpenSSH private key file (what ssh2 parses). */
  opensshPrivateKey: string;
  certificate: SshCertificate;
}

/** Parses both and checks that the certificate is of `type` and for this very key. */
export function certifiedKey(
  privateKey: SshPrivateKeyInput,
  certificate: SshCertificateInput,
  type: SshCertType,
): CertifiedKey {
  const key =
    typeof privateKey === "string" ? parseOpensshPrivateKey(privateKey).privateKey : privateKey;
  const cert = parseSshCertificate(certificate);
  if (cert.type !== type) {
    throw new TypeError(
      `certificate "${cert.keyId}" is a ${cert.type} certificate, not a ${type} one`,
    );
  }
  if (!encodeSshPublicKey(cert.publicKey).equals(encodeSshPublicKey(key))) {
    throw new TypeError(
      `certificate "${cert.keyId}" is for another key than the private key given`,
    );
  }
  return { opensshPrivateKey: formatOpensshPrivateKey(key), certificate: cert };
}
