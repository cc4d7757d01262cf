// The certificate the proxy's HTTPS port presents: the first of proxy_service.https_keypairs, or
// a self-signed P-256 one made at start (clients must then be told to trust it: tsh --insecure).
import { readFileSync } from "node:fs";
import { selfSignedP256Certificate } from "../auth/index.js";
import type { KeyPair } from "../config/index.js";

export class ProxyConfigError extends Error {
  override name = "ProxyConfigError";
}

export interface HttpsKeyPair {
  keyPem: string;
  certPem: string;
  selfSigned: boolean;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ProxyConfigError(
      `proxy_service.https_keypairs: cannot read the ${what} ${path}: ${(error as Error).message}`,
    );
  }
}

export async function httpsKeyPair(
  pairs: readonly KeyPair[],
  names: { dnsNames: string[]; ipAddresses: string[] },
): Promise<HttpsKeyPair> {
  const [pair] = pairs;
  if (pair !== undefined) {
    return {
      keyPem: readPem(pair.key_file, "key_file"),
      certPem: readPem(pair.cert_file, "cert_file"),
      selfSigned: false,
    };
  }
  const made = await selfSignedP256Certificate(names);
  return { keyPem: made.keyPem, certPem: made.certPem, selfSigned: true };
}
