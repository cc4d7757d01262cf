// Teleport's CA pin ("sha256:<hex>"): the SHA-256 of the CA certificate's DER
// SubjectPublicKeyInfo, which nodes use to trust the auth server on first join.

import { createHash } from "node:crypto";
import { certificateFromPem } from "./keys.js";
import * as x509 from "./x509.js";

export function caPin(caCertificatePem: string): string {
  const node = certificateFromPem(caCertificatePem, "CA certificate");
  // The SPKI bytes exactly as they appear in the certificate, not a re-encoding of the key.
  const spki = new x509.X509Certificate(node.raw).publicKey.rawData;
  return `sha256:${createHash("sha256").update(Buffer.from(spki)).digest("hex")}`;
}
