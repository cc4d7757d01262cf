// Leaf certificates issued by the cluster's TLS CA: identities for mutual TLS between users,
// nodes, proxies and the auth service. Subject CN = user or host id, O = roles (Teleport's
// encoding of an identity).

import { isIP } from "node:net";
import { X509Certificate, type KeyObject } from "node:crypto";
import { TlsCertificateError } from "../errors.js";
import { CLOCK_SKEW_MS, type TlsCa } from "./ca.js";
import {
  generateTlsKeyPair,
  privateKeyToPem,
  spkiDer,
  tlsKeyAlgorithmOf,
  toSigningKey,
  type TlsKeyAlgorithm,
} from "./keys.js";
import { randomSerialNumber } from "./serial.js";
import * as x509 from "./x509.js";

export type TlsUsage = "server" | "client" | "both";

export interface IssueTlsCertificateParams {
  ca: TlsCa;
  /** The subject's key. Omit it to have a key pair of `keyAlgorithm` generated and returned. */
  subjectPublicKey?: KeyObject;
  /** The user name or host id. */
  commonName: string;
  /** The identity's roles, one O attribute each. */
  organization?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  usage: TlsUsage;
  /** Lifetime in milliseconds from `now`. */
  validFor: number;
  /** Default: the subject key's algorithm, or "ed25519" when a key is generated. */
  keyAlgorithm?: TlsKeyAlgorithm;
  /** Default: the current time. */
  now?: Date;
}

export interface IssuedTlsCertificate {
  certificate: X509Certificate;
  certPem: string;
  /** Only when the key pair was generated here. */
  privateKey?: KeyObject;
  /** PKCS#8 PEM of privateKey. */
  keyPem?: string;
}

const EKU: Record<TlsUsage, string[]> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

function subjectKey(p: IssueTlsCertificateParams): {
  publicKey: KeyObject;
  privateKey?: KeyObject;
} {
  if (p.subjectPublicKey === undefined) return generateTlsKeyPair(p.keyAlgorithm ?? "ed25519");
  const actual = tlsKeyAlgorithmOf(p.subjectPublicKey);
  if (p.keyAlgorithm !== undefined && p.keyAlgorithm !== actual) {
    throw new TlsCertificateError(
      `keyAlgorithm "${p.keyAlgorithm}" does not match the subject key, which is ${actual}`,
    );
  }
  return { publicKey: p.subjectPublicKey };
}

/** Subject alternative names; IP addresses are checked so a typo does not become a DNS name. */
export function subjectAltNames(
  dnsNames: readonly string[] = [],
  ipAddresses: readonly string[] = [],
): x509.JsonGeneralName[] {
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) throw new TlsCertificateError(`"${ip}" is not an IP address`);
  }
  for (const dns of dnsNames) {
    if (dns === "" || isIP(dns) !== 0) {
      throw new TlsCertificateError(`"${dns}" is not a DNS name (put IP addresses in ipAddresses)`);
    }
  }
  return [
    ...dnsNames.map((value) => ({ type: "dns" as const, value })),
    ...ipAddresses.map((value) => ({ type: "ip" as const, value })),
  ];
}

// The CA's own subject key id when it has one, so the two match even for a CA made elsewhere.
async function authorityKeyId(
  caCert: x509.X509Certificate,
): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski
    ? new x509.AuthorityKeyIdentifierExtension(ski.keyId)
    : x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
}

export async function issueTlsCertificate(
  params: IssueTlsCertificateParams,
): Promise<IssuedTlsCertificate> {
  const { ca, commonName, usage, validFor } = params;
  if (commonName === "") throw new TlsCertificateError("commonName must not be empty");
  if (!Number.isFinite(validFor) || validFor <= 0) {
    throw new TlsCertificateError(
      `validFor must be a positive number of milliseconds, got ${validFor}`,
    );
  }
  const now = params.now ?? new Date();
  const notAfter = new Date(now.getTime() + validFor);
  const caNotAfter = new Date(ca.certificate.validTo);
  if (notAfter > caNotAfter) {
    throw new TlsCertificateError(
      `certificate for "${commonName}" would outlive its CA (until ${notAfter.toISOString()}, ` +
        `CA until ${caNotAfter.toISOString()}): shorten validFor or rotate the CA`,
    );
  }
  const { publicKey, privateKey } = subjectKey(params);
  const spki = spkiDer(publicKey);
  const sans = subjectAltNames(params.dnsNames, params.ipAddresses);
  const signing = await toSigningKey(ca.privateKey);
  const caCert = new x509.X509Certificate(ca.certificate.raw);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    // O before CN, the order Go's crypto/x509 (and so Teleport) writes.
    subject: [...(params.organization ?? []).map((o) => ({ O: [o] })), { CN: [commonName] }],
    // The issuer must be byte-identical to the CA's subject for chain building.
    issuer: caCert.subjectName,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter,
    publicKey: spki,
    signingKey: signing.key,
    signingAlgorithm: signing.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(EKU[usage]),
      await x509.SubjectKeyIdentifierExtension.create(spki),
      await authorityKeyId(caCert),
      ...(sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
    ],
  });
  const certPem = cert.toString("pem") + "\n";
  const issued: IssuedTlsCertificate = { certificate: new X509Certificate(certPem), certPem };
  if (privateKey !== undefined) {
    issued.privateKey = privateKey;
    issued.keyPem = privateKeyToPem(privateKey);
  }
  return issued;
}
