// New Ed25519 key pairs for SSH, in every form callers need: KeyObjects for node:crypto,
// an authorized_keys line, and an OpenSSH private key file for `ssh -i` and ssh2.

import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { formatOpensshPrivateKey } from "./private-key.js";
import { formatAuthorizedKey } from "./public-key.js";

export interface SshKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** "ssh-ed25519 AAAA… comment" */
  authorizedKey: string;
  /** "-----BEGIN OPENSSH PRIVATE KEY-----…", unencrypted: write it with file mode 0600. */
  opensshPrivateKey: string;
}

export function generateSshKeyPair(comment = ""): SshKeyPair {
  return sshKeyPairFromPrivateKey(generateKeyPairSync("ed25519").privateKey, comment);
}

/** The same forms for an existing Ed25519 private key (e.g. a stored CA key). */
export function sshKeyPairFromPrivateKey(privateKey: KeyObject, comment = ""): SshKeyPair {
  return {
    privateKey,
    publicKey: createPublicKey(privateKey),
    authorizedKey: formatAuthorizedKey(privateKey, comment),
    opensshPrivateKey: formatOpensshPrivateKey(privateKey, comment),
  };
}
