// SSH public key blobs ("ssh-ed25519" + 32 bytes) and authorized_keys-style lines
// ("TYPE BASE64 [comment]"), which carry both keys and certificates.

import { createHash, type KeyObject } from "node:crypto";
import { ed25519PublicKeyFromRaw, rawEd25519PublicKey } from "../ed25519.js";
import { SshFormatError } from "../errors.js";
import { SshReader, SshWriter } from "./wire.js";

export const SSH_ED25519 = "ssh-ed25519";

/** The wire blob of an Ed25519 public key: string "ssh-ed25519", string key. */
export function encodeSshPublicKey(key: KeyObject): Buffer {
  return new SshWriter().string(SSH_ED25519).string(rawEd25519PublicKey(key)).toBuffer();
}

/** The Ed25519 public key in `blob`; other key types are refused by name. */
export function decodeSshPublicKey(blob: Uint8Array, what = "SSH public key"): KeyObject {
  const reader = new SshReader(Buffer.from(blob), what);
  const type = reader.text("key type");
  if (type !== SSH_ED25519) {
    throw new SshFormatError(what, `key type "${type}" is not supported: only ${SSH_ED25519} is`);
  }
  const raw = reader.bytes("ed25519 key");
  reader.end();
  return ed25519PublicKeyFromRaw(raw, what);
}

/** One authorized_keys-style line split into its fields. */
export interface SshKeyLine {
  type: string;
  blob: Buffer;
  comment: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Splits "TYPE BASE64 [comment]", checking the base64 and that the blob names the same type. */
export function parseSshKeyLine(line: string, what = "SSH public key line"): SshKeyLine {
  const fields = line.trim().split(/\s+/);
  const [type, data] = fields;
  if (type === undefined || type === "" || data === undefined) {
    throw new SshFormatError(what, 'expected "TYPE BASE64 [comment]"');
  }
  // Buffer.from(…, "base64") skips bad characters silently; a damaged line must fail instead.
  if (!BASE64.test(data) || data.length % 4 !== 0) {
    throw new SshFormatError(what, "the key data is not valid base64");
  }
  const blob = Buffer.from(data, "base64");
  const inner = new SshReader(blob, what).text("key type");
  if (inner !== type) {
    throw new SshFormatError(what, `the line says "${type}" but the key data is "${inner}"`);
  }
  return { type, blob, comment: fields.slice(2).join(" ") };
}

export function formatSshKeyLine(type: string, blob: Uint8Array, comment?: string): string {
  // A line break in the comment would start a new line: a second key in authorized_keys.
  // eslint-disable-next-line no-control-regex
  if (comment !== undefined && /[\u0000-\u001f\u007f]/.test(comment)) {
    throw new TypeError(`SSH key comment ${JSON.stringify(comment)} has control characters`);
  }
  const base = `${type} ${Buffer.from(blob).toString("base64")}`;
  return comment ? `${base} ${comment}` : base;
}

/** "ssh-ed25519 AAAA… comment", as in authorized_keys and *.pub files. */
export function formatAuthorizedKey(key: KeyObject, comment?: string): string {
  return formatSshKeyLine(SSH_ED25519, encodeSshPublicKey(key), comment);
}

/** The Ed25519 key of an authorized_keys line ("ssh-ed25519 AAAA… [comment]"). */
export function parseAuthorizedKey(line: string): KeyObject {
  const { type, blob } = parseSshKeyLine(line);
  if (type !== SSH_ED25519) {
    throw new SshFormatError(
      "SSH public key line",
      `key type "${type}" is not supported: only ${SSH_ED25519} is`,
    );
  }
  return decodeSshPublicKey(blob);
}

/** A public key given either way: a KeyObject, or an authorized_keys line. */
export function toSshPublicKey(key: KeyObject | string): KeyObject {
  return typeof key === "string" ? parseAuthorizedKey(key) : key;
}

/** "SHA256:…" as `ssh-keygen -l` prints it (unpadded base64 of the blob's SHA-256). */
export function sshFingerprint(key: KeyObject | Uint8Array): string {
  const blob = key instanceof Uint8Array ? key : encodeSshPublicKey(key);
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
