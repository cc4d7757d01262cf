// The proxy's self-signed HTTPS certificate when no certificate is configured. ECDSA P-256,
// because browsers do not accept Ed25519 certificates.

import { X509Certificate, type KeyObject } from "node:crypto";
import { TlsCertificateError } from "../errors.js";
import { CLOCK_SKEW_MS } from "./ca.js";
import { subjectAltNames } from "./issue.js";
import { generateTlsKeyPair, privateKeyToPem, spkiDer, toSigningKey } from "./keys.js";
import { randomSerialNumber } from "./serial.js";
import * as x509 from "./x509.js";

/** One year: long enough to be no bother, short of browsers' 398-day ceiling. */
export const SELF_SIGNED_VALIDITY_MS = 365 * 24 * 60 * 60 * 1000;

export interface SelfSignedParams {
  dnsNames: readonly string[];
  ipAddresses?: readonly string[];
  now?: Date;
  validFor?: number;
}

export interface SelfSignedCertificate {
  certificate: X509Certificate;
  certPem: string;
  privateKey: KeyObject;
  /** PKCS#8 PEM. */
  keyPem: string;
}

export async function selfSignedP256Certificate(
  params: SelfSignedParams,
): Promise<SelfSignedCertificate> {
  const sans = subjectAltNames(params.dnsNames, params.ipAddresses);
  const commonName = params.dnsNames[0] ?? params.ipAddresses?.[0];
  if (commonName === undefined) {
    throw new TlsCertificateError(
      "a self-signed certificate needs at least one DNS name or IP address",
    );
  }
  const now = params.now ?? new Date();
  const { privateKey, publicKey } = generateTlsKeyPair("p256");
  const signing = await toSigningKey(privateKey);
  const spki = spkiDer(publicKey);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: [{ CN: [commonName] }],
    issuer: [{ CN: [commonName] }],
    publicKey: spki,
    signingKey: signing.key,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + (params.validFor ?? SELF_SIGNED_VALIDITY_MS)),
    signingAlgorithm: signing.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sans),
      await x509.SubjectKeyIdentifierExtension.create(spki),
    ],
  });
  const certPem = cert.toString("pem") + "\n";
  return {
    certificate: new X509Certificate(certPem),
    certPem,
    privateKey,
    keyPem: privateKeyToPem(privateKey),
  };
}
