// OpenSSH certificates (PROTOCOL.certkeys): the field layout, encoding of the signed body and
// parsing of a whole certificate. Only ssh-ed25519-cert-v01@openssh.com signed by an Ed25519 CA.

import type { KeyObject } from "node:crypto";
import { ed25519PublicKeyFromRaw, rawEd25519PublicKey } from "../ed25519.js";
import { SshFormatError } from "../errors.js";
import {
  decodeSshPublicKey,
  encodeSshPublicKey,
  parseSshKeyLine,
  SSH_ED25519,
} from "./public-key.js";
import { SshReader, SshWriter } from "./wire.js";

export const SSH_ED25519_CERT = "ssh-ed25519-cert-v01@openssh.com";

/** valid_before meaning "never expires" (ssh-keygen prints "forever"). */
export const SSH_CERT_FOREVER = 0xffff_ffff_ffff_ffffn;

export type SshCertType = "user" | "host";

const TYPE_CODES: Record<SshCertType, number> = { user: 1, host: 2 };

/** Name → value; flags (permit-pty, …) have the value "". */
export type SshCertOptions = Readonly<Record<string, string>>;

/** Everything a certificate says, in wire order, minus the signature. */
export interface SshCertificateFields {
  nonce: Buffer;
  /** The subject's key: the key the certificate vouches for. */
  publicKey: KeyObject;
  serial: bigint;
  type: SshCertType;
  keyId: string;
  principals: readonly string[];
  /** Seconds since the Unix epoch; 0 means "from the beginning of time". */
  validAfter: bigint;
  /** Seconds since the Unix epoch; SSH_CERT_FOREVER means no expiry. */
  validBefore: bigint;
  criticalOptions: SshCertOptions;
  extensions: SshCertOptions;
  reserved: Buffer;
  /** The CA's public key. */
  signatureKey: KeyObject;
}

/** A parsed certificate with what is needed to check its signature. */
export interface SshCertificate extends SshCertificateFields {
  /** The CA key as it appears in the certificate (compare it to trusted CA blobs). */
  signatureKeyBlob: Buffer;
  signatureAlgorithm: string;
  /** The raw 64-byte Ed25519 signature. */
  signature: Buffer;
  /** The bytes the signature covers: everything before the signature field. */
  signedBytes: Buffer;
  /** The whole certificate blob (what ssh2 passes as ctx.key.data). */
  blob: Buffer;
  /** The comment of the line it was parsed from ("" for a bare blob). */
  comment: string;
}

/** Whole seconds since the epoch, as certificates count time. */
export function sshTimeFromDate(date: Date): bigint {
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`invalid certificate time: ${date}`);
  return BigInt(Math.floor(ms / 1000));
}

// Names sorted bytewise, as PROTOCOL.certkeys requires; values other than "" are wrapped in a
// nested string (e.g. force-command's command), flags carry empty data.
function encodeOptions(options: SshCertOptions): Buffer {
  const names = Object.keys(options).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const w = new SshWriter();
  for (const name of names) {
    const value = options[name] ?? "";
    w.string(name).string(value === "" ? "" : new SshWriter().string(value).toBuffer());
  }
  return w.toBuffer();
}

function decodeOptions(data: Buffer, field: string): SshCertOptions {
  const r = new SshReader(data, "SSH certificate");
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  while (r.remaining > 0) {
    const name = r.text(`${field} name`);
    if (seen.has(name)) {
      throw new SshFormatError("SSH certificate", `${field} "${name}" appears twice`);
    }
    seen.add(name);
    const inner = r.bytes(`${field} "${name}" data`);
    let value = "";
    if (inner.length > 0) {
      const ir = new SshReader(inner, "SSH certificate");
      value = ir.text(`${field} "${name}" value`);
      ir.end();
    }
    entries.push([name, value]);
  }
  // fromEntries defines own properties, so a name like "__proto__" cannot touch the prototype.
  return Object.fromEntries(entries);
}

function encodePrincipals(principals: readonly string[]): Buffer {
  const w = new SshWriter();
  for (const p of principals) w.string(p);
  return w.toBuffer();
}

function decodePrincipals(data: Buffer): string[] {
  const r = new SshReader(data, "SSH certificate");
  const out: string[] = [];
  while (r.remaining > 0) out.push(r.text("principal"));
  return out;
}

/** The to-be-signed part of a certificate: every field before the signature. */
export function encodeCertificateBody(fields: SshCertificateFields): Buffer {
  return new SshWriter()
    .string(SSH_ED25519_CERT)
    .string(fields.nonce)
    .string(rawEd25519PublicKey(fields.publicKey, "certificate public key"))
    .uint64(fields.serial)
    .uint32(TYPE_CODES[fields.type])
    .string(fields.keyId)
    .string(encodePrincipals(fields.principals))
    .uint64(fields.validAfter)
    .uint64(fields.validBefore)
    .string(encodeOptions(fields.criticalOptions))
    .string(encodeOptions(fields.extensions))
    .string(fields.reserved)
    .string(encodeSshPublicKey(fields.signatureKey))
    .toBuffer();
}

/** The signature field: string "ssh-ed25519", string signature. */
export function encodeSignature(signature: Uint8Array): Buffer {
  return new SshWriter().string(SSH_ED25519).string(signature).toBuffer();
}

function certTypeFromCode(code: number): SshCertType {
  if (code === TYPE_CODES.user) return "user";
  if (code === TYPE_CODES.host) return "host";
  throw new SshFormatError("SSH certificate", `unknown certificate type ${code} (1 user, 2 host)`);
}

/**
 * Parses a certificate from its blob (e.g. ssh2's ctx.key.data) or an authorized_keys-style
 * line ("ssh-ed25519-cert-v01@openssh.com AAAA… comment"). Does not check the signature or
 * anything else about trust: that is verifySshCertificate's job.
 */
export function parseSshCertificate(input: Uint8Array | string): SshCertificate {
  const what = "SSH certificate";
  let blob: Buffer;
  let comment = "";
  if (typeof input === "string") {
    const line = parseSshKeyLine(input, what);
    blob = line.blob;
    comment = line.comment;
  } else {
    blob = Buffer.from(input);
  }
  const r = new SshReader(blob, what);
  const keyType = r.text("key type");
  if (keyType !== SSH_ED25519_CERT) {
    throw new SshFormatError(
      what,
      `type "${keyType}" is not supported: only ${SSH_ED25519_CERT} (use ed25519 keys)`,
    );
  }
  const nonce = r.bytes("nonce");
  // For ed25519 certificates the subject key is the bare 32 bytes, not a key blob.
  const publicKey = ed25519PublicKeyFromRaw(r.bytes("public key"), `${what} public key`);
  const serial = r.uint64("serial");
  const type = certTypeFromCode(r.uint32("type"));
  const keyId = r.text("key id");
  const principals = decodePrincipals(r.bytes("valid principals"));
  const validAfter = r.uint64("valid after");
  const validBefore = r.uint64("valid before");
  const criticalOptions = decodeOptions(r.bytes("critical options"), "critical option");
  const extensions = decodeOptions(r.bytes("extensions"), "extension");
  const reserved = r.bytes("reserved");
  const signatureKeyBlob = r.bytes("signature key");
  const signatureKey = decodeSshPublicKey(signatureKeyBlob, `${what} signing CA key`);
  const signedBytes = blob.subarray(0, r.position);
  const sig = new SshReader(r.bytes("signature"), `${what} signature`);
  r.end();
  const signatureAlgorithm = sig.text("algorithm");
  const signature = sig.bytes("signature");
  sig.end();
  if (signatureAlgorithm !== SSH_ED25519 || signature.length !== 64) {
    throw new SshFormatError(what, `unsupported signature "${signatureAlgorithm}"`);
  }
  return {
    nonce,
    publicKey,
    serial,
    type,
    keyId,
    principals,
    validAfter,
    validBefore,
    criticalOptions,
    extensions,
    reserved,
    signatureKey,
    signatureKeyBlob,
    signatureAlgorithm,
    signature,
    signedBytes,
    blob,
    comment,
  };
}
