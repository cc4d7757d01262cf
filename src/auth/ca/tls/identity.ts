// Reading back the identity a TLS certificate carries (Teleport's encoding: CN = user or host
// id, one O per role), e.g. for the auth server to learn who a mutual-TLS peer is.

import type { X509Certificate } from "node:crypto";
import * as x509 from "./x509.js";

export interface TlsIdentity {
  commonName: string;
  organization: string[];
}

export function readTlsIdentity(certificate: X509Certificate): TlsIdentity {
  const name = new x509.X509Certificate(certificate.raw).subjectName;
  const [commonName = ""] = name.getField("CN");
  return { commonName, organization: name.getField("O") };
}
