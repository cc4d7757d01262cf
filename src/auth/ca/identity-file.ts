// Teleport identity files (`tctl auth sign --out=FILE`, read by `tsh -i FILE`): the private key
// PEM, the SSH certificate line, the TLS certificate PEM, then the trusted SSH CAs as
// known_hosts "@cert-authority" lines and the trusted TLS CA certificates, in that order
// (Teleport's api/identityfile layout).

import { createPrivateKey, type KeyObject, type X509Certificate } from "node:crypto";
import { CaError, IdentityFileError } from "./errors.js";
import { parseSshCertificate, type SshCertificate } from "./ssh/certificate.js";
import { parseKnownHostsCaLine } from "./ssh/ca-lines.js";
import { parseOpensshPrivateKey } from "./ssh/private-key.js";
import { encodeSshPublicKey } from "./ssh/public-key.js";
import { certificateFromPem, privateKeyToPem, spkiDer } from "./tls/keys.js";

export interface IdentityFile {
  privateKey: KeyObject;
  /** "ssh-ed25519-cert-v01@openssh.com AAAA… id" */
  sshCertificate: string;
  tlsCertificatePem: string;
  /** "@cert-authority …" known_hosts lines of the trusted host CAs. */
  sshCaLines: readonly string[];
  tlsCaCertificatesPem: readonly string[];
}

/** A parsed identity file: its parts, and each part decoded. */
export interface ParsedIdentityFile extends IdentityFile {
  sshCert: SshCertificate;
  tlsCertificate: X509Certificate;
  tlsCaCertificates: X509Certificate[];
}

function pemBlock(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * The identity file text. The key is written as PKCS#8 PEM as Teleport does for Ed25519 keys;
 * OpenSSH 9.2 cannot read that, so give `ssh -i` formatOpensshPrivateKey(privateKey) instead.
 */
export function formatIdentityFile(identity: IdentityFile): string {
  // parseIdentityFile refuses other key types: fail here rather than write an unreadable file.
  if (identity.privateKey.asymmetricKeyType !== "ed25519") {
    throw new TypeError("identity files hold Ed25519 private keys");
  }
  return [
    pemBlock(privateKeyToPem(identity.privateKey)),
    pemBlock(identity.sshCertificate.trim()),
    pemBlock(identity.tlsCertificatePem.trim()),
    ...identity.sshCaLines.map((l) => pemBlock(l.trim())),
    ...identity.tlsCaCertificatesPem.map((p) => pemBlock(p.trim())),
  ].join("");
}

interface Block {
  type: string;
  text: string;
  line: number;
}

interface RawParts {
  pems: Block[];
  sshCert?: { text: string; line: number };
  caLines: { text: string; line: number }[];
}

const SSH_CERT_PREFIX = /^[a-z0-9-]+-cert-v01@openssh\.com\s/;

function splitLines(text: string, source: string): RawParts {
  const lines = text.split(/\r?\n/);
  const parts: RawParts = { pems: [], caLines: [] };
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    const lineNo = i + 1;
    if (line === "" || line.startsWith("#")) continue;
    const begin = /^-----BEGIN ([A-Z0-9 ]+)-----$/.exec(line);
    if (begin?.[1]) {
      const end = `-----END ${begin[1]}-----`;
      const body = [line];
      for (i++; i < lines.length && (lines[i] ?? "").trim() !== end; i++)
        body.push((lines[i] ?? "").trim());
      if (i >= lines.length) {
        throw new IdentityFileError(
          source,
          `"${line}" has no matching "${end}": the file is cut short`,
          lineNo,
        );
      }
      body.push(end);
      parts.pems.push({ type: begin[1], text: `${body.join("\n")}\n`, line: lineNo });
    } else if (SSH_CERT_PREFIX.test(line)) {
      if (parts.sshCert) {
        throw new IdentityFileError(
          source,
          `a second SSH certificate (first at line ${parts.sshCert.line})`,
          lineNo,
        );
      }
      parts.sshCert = { text: line, line: lineNo };
    } else if (line.startsWith("@cert-authority")) {
      parts.caLines.push({ text: line, line: lineNo });
    } else {
      throw new IdentityFileError(source, `unrecognised line "${line.slice(0, 40)}…"`, lineNo);
    }
  }
  return parts;
}

function readPrivateKey(block: Block, source: string): KeyObject {
  let key: KeyObject;
  try {
    key =
      block.type === "OPENSSH PRIVATE KEY"
        ? parseOpensshPrivateKey(block.text).privateKey
        : createPrivateKey({ key: block.text, format: "pem" });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new IdentityFileError(source, `the private key cannot be read: ${why}`, block.line);
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new IdentityFileError(
      source,
      `the private key is ${key.asymmetricKeyType ?? "unknown"}; this cluster uses Ed25519 keys`,
      block.line,
    );
  }
  return key;
}

/** Runs `read`, turning a failure into an IdentityFileError that names the line. */
function at<T>(source: string, line: number, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof CaError)) throw err;
    throw new IdentityFileError(source, `${what}: ${err.message}`, line);
  }
}

export function parseIdentityFile(text: string, source = "identity file"): ParsedIdentityFile {
  const parts = splitLines(text, source);
  const [keyBlock, ...certBlocks] = parts.pems;
  if (!keyBlock || !keyBlock.type.endsWith("PRIVATE KEY")) {
    throw new IdentityFileError(
      source,
      "the first PEM block must be the private key",
      keyBlock?.line,
    );
  }
  const stray = certBlocks.find((b) => b.type !== "CERTIFICATE");
  if (stray)
    throw new IdentityFileError(source, `unexpected PEM block "${stray.type}"`, stray.line);
  const [tlsBlock, ...caBlocks] = certBlocks;
  if (!parts.sshCert) throw new IdentityFileError(source, "no SSH certificate line");
  if (!tlsBlock) throw new IdentityFileError(source, "no TLS certificate after the private key");

  const privateKey = readPrivateKey(keyBlock, source);
  const sshLine = parts.sshCert;
  const sshCert = at(source, sshLine.line, "SSH certificate", () =>
    parseSshCertificate(sshLine.text),
  );
  const tlsCertificate = at(source, tlsBlock.line, "TLS certificate", () =>
    certificateFromPem(tlsBlock.text),
  );
  const tlsCaCertificates = caBlocks.map((b) =>
    at(source, b.line, "TLS CA certificate", () => certificateFromPem(b.text)),
  );
  for (const ca of parts.caLines)
    at(source, ca.line, "SSH CA line", () => parseKnownHostsCaLine(ca.text));

  // Parts from different identities would fail later, at login, with a far vaguer error.
  if (!encodeSshPublicKey(privateKey).equals(encodeSshPublicKey(sshCert.publicKey))) {
    throw new IdentityFileError(
      source,
      "the private key does not match the SSH certificate",
      sshLine.line,
    );
  }
  if (!spkiDer(privateKey).equals(spkiDer(tlsCertificate.publicKey))) {
    throw new IdentityFileError(
      source,
      "the private key does not match the TLS certificate",
      tlsBlock.line,
    );
  }
  return {
    privateKey,
    sshCertificate: sshLine.text,
    tlsCertificatePem: tlsBlock.text,
    sshCaLines: parts.caLines.map((l) => l.text),
    tlsCaCertificatesPem: caBlocks.map((b) => b.text),
    sshCert,
    tlsCertificate,
    tlsCaCertificates,
  };
}
