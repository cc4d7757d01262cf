// Key and certificate conversions between node:crypto (KeyObject, X509Certificate, PEM) and the
// WebCrypto keys @peculiar/x509 signs with. Only Ed25519 and ECDSA P-256 are used.

import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  webcrypto,
  X509Certificate,
  type KeyObject,
} from "node:crypto";
import { TlsCertificateError } from "../errors.js";

export type TlsKeyAlgorithm = "ed25519" | "p256";

export function tlsKeyAlgorithmOf(key: KeyObject): TlsKeyAlgorithm {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") {
    return "p256";
  }
  const kind =
    key.asymmetricKeyType === "ec"
      ? `ec ${key.asymmetricKeyDetails?.namedCurve}`
      : key.asymmetricKeyType;
  throw new TlsCertificateError(`unsupported key type ${kind}: use Ed25519 or ECDSA P-256`);
}

export function generateTlsKeyPair(algorithm: TlsKeyAlgorithm): {
  privateKey: KeyObject;
  publicKey: KeyObject;
} {
  return algorithm === "ed25519"
    ? generateKeyPairSync("ed25519")
    : generateKeyPairSync("ec", { namedCurve: "P-256" });
}

const WEBCRYPTO_ALGORITHMS = {
  ed25519: { key: { name: "Ed25519" }, signing: { name: "Ed25519" } },
  p256: {
    key: { name: "ECDSA", namedCurve: "P-256" },
    signing: { name: "ECDSA", hash: "SHA-256" },
  },
} as const;

/** A WebCrypto signing key and the matching signature algorithm, for @peculiar/x509. */
export async function toSigningKey(
  privateKey: KeyObject,
): Promise<{ key: webcrypto.CryptoKey; algorithm: { name: string; hash?: string } }> {
  const algs = WEBCRYPTO_ALGORITHMS[tlsKeyAlgorithmOf(privateKey)];
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const key = await webcrypto.subtle.importKey("pkcs8", der, algs.key, false, ["sign"]);
  return { key, algorithm: algs.signing };
}

/** The DER SubjectPublicKeyInfo of a public or private key. */
export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return pub.export({ format: "der", type: "spki" });
}

/** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), what Node's tls and OpenSSL read. */
export function privateKeyToPem(key: KeyObject): string {
  return key.export({ format: "pem", type: "pkcs8" }).toString();
}

export function privateKeyFromPem(pem: string, what = "private key"): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: "pem" });
  } catch (err) {
    throw new TlsCertificateError(`${what} is not a readable PEM private key: ${message(err)}`);
  }
}

export function certificateFromPem(pem: string, what = "certificate"): X509Certificate {
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new TlsCertificateError(`${what} is not a PEM certificate (no BEGIN CERTIFICATE line)`);
  }
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new TlsCertificateError(`${what} is not a readable X.509 certificate: ${message(err)}`);
  }
}

/** Every PEM certificate block in `text` (a bundle), in order. */
export function splitPemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** Whether the private key is the other half of the certificate's public key. */
export function keyMatchesCertificate(privateKey: KeyObject, cert: X509Certificate): boolean {
  return spkiDer(privateKey).equals(spkiDer(cert.publicKey));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
