// Client identities: the key and certificates a client presents, from an identity file
// (admin.identity, tctl auth sign --out).
import { readFile } from "node:fs/promises";
import {
  CaError,
  parseIdentityFile,
  privateKeyToPem,
  type ParsedIdentityFile,
} from "../ca/index.js";
import { IdentityLoadError } from "./errors.js";

export interface ClientIdentity {
  /** PKCS#8 PEM. */
  keyPem: string;
  /** The TLS client certificate, PEM. */
  certPem: string;
  /** The cluster's TLS CA certificates, PEM: the server must chain to one of them. */
  caPems: readonly string[];
}

export interface LoadedIdentity extends ClientIdentity {
  path: string;
  file: ParsedIdentityFile;
}

export async function loadIdentityFile(path: string): Promise<LoadedIdentity> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    if (code === "ENOENT") {
      throw new IdentityLoadError(path, "missing", `identity file ${path} does not exist`, {
        cause: error,
      });
    }
    const why =
      code === "EACCES"
        ? "permission denied (run as the user that owns it, or root)"
        : (error as Error).message;
    throw new IdentityLoadError(path, "unreadable", `cannot read identity file ${path}: ${why}`, {
      cause: error,
    });
  }
  let file: ParsedIdentityFile;
  try {
    file = parseIdentityFile(text, path);
  } catch (error) {
    if (!(error instanceof CaError)) throw error;
    throw new IdentityLoadError(path, "invalid", error.message, { cause: error });
  }
  if (file.tlsCaCertificatesPem.length === 0) {
    throw new IdentityLoadError(
      path,
      "invalid",
      `${path} holds no TLS CA certificate, so the auth server cannot be checked: make a new identity file`,
    );
  }
  return {
    path,
    file,
    keyPem: privateKeyToPem(file.privateKey),
    certPem: file.tlsCertificatePem,
    caPems: file.tlsCaCertificatesPem,
  };
}
