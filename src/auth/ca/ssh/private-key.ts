// The OpenSSH private key format ("openssh-key-v1", PROTOCOL.key in OpenSSH), unencrypted and
// Ed25519 only: what `ssh -i` and ssh2 read. OpenSSH 9.2 cannot read PKCS#8 Ed25519 keys, so
// keys meant for OpenSSH must be written this way.

import { randomBytes, type KeyObject } from "node:crypto";
import { ed25519PrivateKeyFromSeed, rawEd25519PublicKey, rawEd25519Seed } from "../ed25519.js";
import { SshFormatError } from "../errors.js";
import { encodeSshPublicKey, SSH_ED25519 } from "./public-key.js";
import { SshReader, SshWriter } from "./wire.js";

const MAGIC = Buffer.from("openssh-key-v1\0", "latin1");
const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END = "-----END OPENSSH PRIVATE KEY-----";
// Unencrypted keys pad the private section to the "none" cipher's block size.
const BLOCK_SIZE = 8;
const WHAT = "OpenSSH private key";

/** The PEM-armoured OpenSSH private key, unencrypted, ending in a newline. */
export function formatOpensshPrivateKey(privateKey: KeyObject, comment = ""): string {
  const publicRaw = rawEd25519PublicKey(privateKey, "private key");
  const seed = rawEd25519Seed(privateKey);
  // The check integers let a reader detect a wrong passphrase; they are random but equal.
  const check = randomBytes(4).readUInt32BE();
  const section = new SshWriter()
    .uint32(check)
    .uint32(check)
    .string(SSH_ED25519)
    .string(publicRaw)
    .string(Buffer.concat([seed, publicRaw])) // OpenSSH stores seed || public key
    .string(comment);
  for (let pad = 1; section.length % BLOCK_SIZE !== 0; pad++) section.raw(Uint8Array.of(pad));

  const body = new SshWriter()
    .raw(MAGIC)
    .string("none") // cipher
    .string("none") // kdf
    .string("") // kdf options
    .uint32(1) // number of keys
    .string(encodeSshPublicKey(privateKey))
    .string(section.toBuffer())
    .toBuffer()
    .toString("base64");
  const lines = body.match(/.{1,70}/g) ?? []; // OpenSSH wraps at 70 columns
  return `${BEGIN}\n${lines.join("\n")}\n${END}\n`;
}

/** The Ed25519 private key and its comment from an unencrypted OpenSSH private key file. */
export function parseOpensshPrivateKey(text: string): { privateKey: KeyObject; comment: string } {
  const start = text.indexOf(BEGIN);
  const stop = text.indexOf(END);
  if (start < 0 || stop < start) {
    throw new SshFormatError(WHAT, `expected a "${BEGIN}" … "${END}" block`);
  }
  const base64 = text.slice(start + BEGIN.length, stop).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new SshFormatError(WHAT, "the key data is not valid base64");
  }
  const data = Buffer.from(base64, "base64");
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SshFormatError(WHAT, 'missing the "openssh-key-v1" header');
  }
  const reader = new SshReader(data.subarray(MAGIC.length), WHAT);
  const cipher = reader.text("cipher name");
  const kdf = reader.text("kdf name");
  reader.bytes("kdf options");
  if (cipher !== "none" || kdf !== "none") {
    throw new SshFormatError(
      WHAT,
      `the key is encrypted (${cipher}/${kdf}); remove the passphrase with "ssh-keygen -p -N ''"`,
    );
  }
  const count = reader.uint32("number of keys");
  if (count !== 1) throw new SshFormatError(WHAT, `expected 1 key, found ${count}`);
  const publicBlob = reader.bytes("public key");
  const section = new SshReader(reader.bytes("private section"), WHAT);
  reader.end();

  if (section.uint32("check integer") !== section.uint32("check integer")) {
    throw new SshFormatError(WHAT, "the check integers differ: the private section is damaged");
  }
  const type = section.text("key type");
  if (type !== SSH_ED25519) {
    throw new SshFormatError(WHAT, `key type "${type}" is not supported: only ${SSH_ED25519} is`);
  }
  const publicRaw = section.bytes("public key");
  const secret = section.bytes("private key");
  const comment = section.text("comment");
  for (let pad = 1; section.remaining > 0; pad++) {
    if (section.raw(1, "padding")[0] !== pad) {
      throw new SshFormatError(WHAT, "bad padding: the private section is damaged");
    }
  }
  if (secret.length !== 64 || !secret.subarray(32).equals(publicRaw)) {
    throw new SshFormatError(WHAT, "the private key does not hold its public key");
  }
  const privateKey = ed25519PrivateKeyFromSeed(secret.subarray(0, 32), publicRaw, WHAT);
  if (!encodeSshPublicKey(privateKey).equals(publicBlob)) {
    throw new SshFormatError(WHAT, "the public key in the header does not match the private key");
  }
  return { privateKey, comment };
}
