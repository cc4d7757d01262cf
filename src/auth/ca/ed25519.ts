// Raw Ed25519 key material (32-byte public key, 32-byte seed) to and from node:crypto KeyObjects.
// SSH formats carry the raw bytes; node:crypto works with KeyObjects. JWK is the one export
// format that gives both halves without parsing DER by hand.

import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { SshFormatError } from "./errors.js";

export const ED25519_KEY_BYTES = 32;

function requireEd25519(key: KeyObject, role: string): void {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new TypeError(
      `${role} must be an Ed25519 key, got ${key.asymmetricKeyType ?? key.type} ` +
        `(generate one with generateSshKeyPair() or "ssh-keygen -t ed25519")`,
    );
  }
}

function jwkField(key: KeyObject, field: "x" | "d"): Buffer {
  const value = key.export({ format: "jwk" })[field];
  if (typeof value !== "string") throw new TypeError(`Ed25519 key has no "${field}" component`);
  return Buffer.from(value, "base64url");
}

/** The 32-byte public key of an Ed25519 public or private KeyObject. */
export function rawEd25519PublicKey(key: KeyObject, role = "key"): Buffer {
  requireEd25519(key, role);
  return jwkField(key.type === "private" ? createPublicKey(key) : key, "x");
}

/** The 32-byte seed (RFC 8032 private key) of an Ed25519 private KeyObject. */
export function rawEd25519Seed(key: KeyObject, role = "private key"): Buffer {
  requireEd25519(key, role);
  if (key.type !== "private") throw new TypeError(`${role} must be a private key`);
  return jwkField(key, "d");
}

export function ed25519PublicKeyFromRaw(raw: Uint8Array, what = "Ed25519 public key"): KeyObject {
  if (raw.length !== ED25519_KEY_BYTES) {
    throw new SshFormatError(what, `expected ${ED25519_KEY_BYTES} bytes, got ${raw.length}`);
  }
  const x = Buffer.from(raw).toString("base64url");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
}

/** The private key for `seed`; node:crypto checks that `publicKey` belongs to it. */
export function ed25519PrivateKeyFromSeed(
  seed: Uint8Array,
  publicKey: Uint8Array,
  what = "Ed25519 private key",
): KeyObject {
  if (seed.length !== ED25519_KEY_BYTES || publicKey.length !== ED25519_KEY_BYTES) {
    throw new SshFormatError(what, "seed and public key must be 32 bytes each");
  }
  const d = Buffer.from(seed).toString("base64url");
  const x = Buffer.from(publicKey).toString("base64url");
  const key = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d, x }, format: "jwk" });
  // Importing does not check that x matches d: a damaged file could pair the wrong halves.
  if (!rawEd25519PublicKey(key).equals(Buffer.from(publicKey))) {
    throw new SshFormatError(what, "the public key does not belong to the private key");
  }
  return key;
}
