// Deciding whether to accept an OpenSSH certificate: trusted CA, good signature, right type,
// valid now, lists the principal, and no critical option we cannot enforce. What sshd checks.

import { verify, type KeyObject } from "node:crypto";
import { CaError } from "../errors.js";
import {
  parseSshCertificate,
  SSH_CERT_FOREVER,
  sshTimeFromDate,
  type SshCertificate,
  type SshCertType,
} from "./certificate.js";
import { encodeSshPublicKey, toSshPublicKey } from "./public-key.js";
import { sourceAddressAllows } from "./source-address.js";

/** Why a certificate was refused. */
export type SshCertificateRejection =
  | "malformed"
  | "untrusted-ca"
  | "bad-signature"
  | "wrong-type"
  | "not-yet-valid"
  | "expired"
  | "principal-not-listed"
  | "unsupported-critical-option"
  | "source-address-denied";

export type SshCertificateCheck =
  | { ok: true; certificate: SshCertificate }
  | { ok: false; reason: SshCertificateRejection; message: string };

export interface VerifySshCertificateOptions {
  /** Trusted CA keys (KeyObjects or authorized_keys lines); several during a CA rotation. */
  caPublicKeys: readonly (KeyObject | string)[];
  now: Date;
  type: SshCertType;
  /** The login (user certs) or host name (host certs) that must be listed. */
  principal?: string;
  /** The client's IP; required to accept certificates carrying "source-address". */
  clientAddress?: string;
}

/**
 * Critical options the caller can honour. "force-command" is returned in the certificate for the
 * SSH server to run; "source-address" is checked here. Any other one means the CA meant a
 * restriction we would not enforce, so the certificate is refused (as sshd does).
 */
const SUPPORTED_CRITICAL_OPTIONS = new Set(["force-command", "source-address"]);

function reject(reason: SshCertificateRejection, message: string): SshCertificateCheck {
  return { ok: false, reason, message };
}

/** Checks a certificate (parsed, a blob such as ssh2's ctx.key.data, or a line). */
export function verifySshCertificate(
  input: SshCertificate | Uint8Array | string,
  options: VerifySshCertificateOptions,
): SshCertificateCheck {
  let cert: SshCertificate;
  try {
    // A parsed certificate is parsed again from its blob, so the fields checked below are
    // exactly the signed ones even if the object was changed since.
    cert = parseSshCertificate(
      typeof input === "string" || input instanceof Uint8Array ? input : input.blob,
    );
  } catch (err) {
    if (err instanceof CaError) return reject("malformed", err.message);
    throw err;
  }
  // JSON quoting: the key id is not trusted yet and must not put line breaks into logs.
  const id = `certificate ${JSON.stringify(cert.keyId)} (serial ${cert.serial})`;

  const trusted = options.caPublicKeys.some((k) =>
    encodeSshPublicKey(toSshPublicKey(k)).equals(cert.signatureKeyBlob),
  );
  if (!trusted) return reject("untrusted-ca", `${id} is not signed by a trusted CA`);
  if (!verify(null, cert.signedBytes, cert.signatureKey, cert.signature)) {
    return reject(
      "bad-signature",
      `${id} is not signed by a trusted CA: the signature does not match (damaged or forged)`,
    );
  }
  if (cert.type !== options.type) {
    return reject("wrong-type", `${id} is a ${cert.type} certificate, expected ${options.type}`);
  }
  const now = sshTimeFromDate(options.now);
  if (now < cert.validAfter) {
    return reject("not-yet-valid", `${id} is not yet valid (valid after ${when(cert.validAfter)})`);
  }
  if (now >= cert.validBefore) {
    return reject("expired", `${id} expired at ${when(cert.validBefore)}`);
  }
  if (options.principal !== undefined && !cert.principals.includes(options.principal)) {
    const listed = cert.principals.length ? cert.principals.join(", ") : "none";
    return reject(
      "principal-not-listed",
      `${id}: principal "${options.principal}" not listed (listed: ${listed})`,
    );
  }
  return checkCriticalOptions(cert, id, options.clientAddress);
}

function checkCriticalOptions(
  cert: SshCertificate,
  id: string,
  clientAddress: string | undefined,
): SshCertificateCheck {
  for (const name of Object.keys(cert.criticalOptions)) {
    if (!SUPPORTED_CRITICAL_OPTIONS.has(name)) {
      return reject(
        "unsupported-critical-option",
        `${id} has unsupported critical option "${name}"`,
      );
    }
  }
  const sources = cert.criticalOptions["source-address"];
  if (sources !== undefined) {
    if (clientAddress === undefined) {
      return reject(
        "source-address-denied",
        `${id} is restricted by source-address but no client address was given to check`,
      );
    }
    const { allowed, error } = sourceAddressAllows(sources, clientAddress);
    if (!allowed) {
      return reject(
        "source-address-denied",
        error ? `${id}: ${error}` : `${id} may not be used from ${clientAddress} (${sources})`,
      );
    }
  }
  return { ok: true, certificate: cert };
}

// Dates stop at year 275760; certificate times can go up to 2^64-1 ("forever").
const MAX_DATE_SECONDS = 8_640_000_000_000n;

function when(seconds: bigint): string {
  if (seconds === SSH_CERT_FOREVER) return "forever";
  if (seconds > MAX_DATE_SECONDS) return `${seconds}s after the epoch`;
  return new Date(Number(seconds) * 1000).toISOString();
}
