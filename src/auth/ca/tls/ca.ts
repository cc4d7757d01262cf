// The cluster's X.509 certificate authority for internal mutual TLS: a self-signed Ed25519 CA.

import { X509Certificate, type KeyObject } from "node:crypto";
import { TlsCertificateError } from "../errors.js";
import {
  certificateFromPem,
  generateTlsKeyPair,
  keyMatchesCertificate,
  privateKeyFromPem,
  privateKeyToPem,
  spkiDer,
  toSigningKey,
} from "./keys.js";
import { randomSerialNumber } from "./serial.js";
import * as x509 from "./x509.js";

export const TLS_CA_VALIDITY_YEARS = 10;
/** Certificates start this long before "now" so peers with slow clocks accept them (Teleport does). */
export const CLOCK_SKEW_MS = 60_000;

export interface TlsCa {
  certificate: X509Certificate;
  certPem: string;
  privateKey: KeyObject;
  /** PKCS#8 PEM. */
  keyPem: string;
}

export interface CreateTlsCaParams {
  clusterName: string;
  now: Date;
}

export async function createTlsCa({ clusterName, now }: CreateTlsCaParams): Promise<TlsCa> {
  if (clusterName === "") throw new TlsCertificateError("clusterName must not be empty");
  const { privateKey, publicKey } = generateTlsKeyPair("ed25519");
  const signing = await toSigningKey(privateKey);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + TLS_CA_VALIDITY_YEARS);
  const spki = spkiDer(publicKey);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    // Teleport names its CAs after the cluster, in both CN and O.
    subject: [{ O: [clusterName] }, { CN: [clusterName] }],
    issuer: [{ O: [clusterName] }, { CN: [clusterName] }],
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter,
    publicKey: spki,
    signingKey: signing.key,
    signingAlgorithm: signing.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
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

/** A CA from its stored PEMs, checking that the key belongs to the certificate and that it is a CA. */
export function loadTlsCa({ certPem, keyPem }: { certPem: string; keyPem: string }): TlsCa {
  const certificate = certificateFromPem(certPem, "TLS CA certificate");
  const privateKey = privateKeyFromPem(keyPem, "TLS CA key");
  if (!certificate.ca) {
    throw new TlsCertificateError(
      `TLS CA certificate "${certificate.subject}" is not a CA (basicConstraints)`,
    );
  }
  if (!keyMatchesCertificate(privateKey, certificate)) {
    throw new TlsCertificateError(
      `TLS CA key does not belong to certificate "${certificate.subject}": the stored CA is damaged`,
    );
  }
  return { certificate, certPem, privateKey, keyPem };
}
