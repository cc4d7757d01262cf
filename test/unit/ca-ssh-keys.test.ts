import assert from "node:assert/strict";
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, it } from "node:test";
import {
  decodeSshPublicKey,
  encodeSshPublicKey,
  formatAuthorizedKey,
  generateSshKeyPair,
  parseAuthorizedKey,
  parseOpensshPrivateKey,
  SshFormatError,
  sshFingerprint,
} from "../../src/auth/ca/index.js";

describe("SSH keys", () => {
  it("generates an Ed25519 pair in every form", () => {
    const pair = generateSshKeyPair("alice@example");
    assert.equal(pair.privateKey.asymmetricKeyType, "ed25519");
    assert.match(
      pair.authorizedKey,
      /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+ alice@example$/,
    );
    assert.match(pair.opensshPrivateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.match(pair.opensshPrivateKey, /\n-----END OPENSSH PRIVATE KEY-----\n$/);
    // The pieces belong together: a signature by the private key checks with the parsed public key.
    const sig = sign(null, Buffer.from("hi"), pair.privateKey);
    assert.ok(verify(null, Buffer.from("hi"), parseAuthorizedKey(pair.authorizedKey), sig));
  });

  it("round-trips the OpenSSH private key format", () => {
    const pair = generateSshKeyPair("comment with spaces");
    const { privateKey, comment } = parseOpensshPrivateKey(pair.opensshPrivateKey);
    assert.equal(comment, "comment with spaces");
    assert.deepEqual(
      privateKey.export({ format: "jwk" }),
      pair.privateKey.export({ format: "jwk" }),
    );
    // Lines are wrapped at 70 columns, as OpenSSH writes them.
    const body = pair.opensshPrivateKey.split("\n").slice(1, -2);
    assert.ok(body.every((l) => l.length <= 70));
  });

  it("refuses damaged or encrypted OpenSSH private keys", () => {
    const { opensshPrivateKey } = generateSshKeyPair();
    const lines = opensshPrivateKey.split("\n");
    const cut = [...lines.slice(0, 3), ...lines.slice(-2)].join("\n");
    assert.throws(() => parseOpensshPrivateKey(cut), SshFormatError);
    assert.throws(() => parseOpensshPrivateKey("nothing here"), /expected a "-----BEGIN OPENSSH/);
    // Flip one base64 character inside the private section (past the header and public key).
    const b64 = lines.slice(1, -2).join("");
    const raw = Buffer.from(b64, "base64");
    raw[raw.length - 40] = (raw[raw.length - 40] ?? 0) ^ 0xff;
    const damaged = `-----BEGIN OPENSSH PRIVATE KEY-----\n${raw.toString("base64")}\n-----END OPENSSH PRIVATE KEY-----\n`;
    assert.throws(() => parseOpensshPrivateKey(damaged), SshFormatError);
    // An encrypted key names the way out.
    const encrypted = Buffer.from(raw);
    const at = encrypted.indexOf("none");
    encrypted.write("aes1", at);
    const enc = `-----BEGIN OPENSSH PRIVATE KEY-----\n${encrypted.toString("base64")}\n-----END OPENSSH PRIVATE KEY-----\n`;
    assert.throws(() => parseOpensshPrivateKey(enc), /encrypted.*ssh-keygen -p/);
  });

  it("encodes public key blobs and fingerprints as OpenSSH does", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const blob = encodeSshPublicKey(publicKey);
    assert.equal(blob.length, 4 + 11 + 4 + 32);
    assert.equal(blob.subarray(4, 15).toString(), "ssh-ed25519");
    assert.ok(encodeSshPublicKey(decodeSshPublicKey(blob)).equals(blob));
    assert.match(sshFingerprint(publicKey), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("refuses other key types and damaged lines with the reason", () => {
    const { publicKey: ec } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    assert.throws(() => encodeSshPublicKey(ec), /must be an Ed25519 key/);
    const line = formatAuthorizedKey(generateKeyPairSync("ed25519").publicKey);
    assert.throws(() => parseAuthorizedKey("ssh-ed25519"), /expected "TYPE BASE64/);
    assert.throws(() => parseAuthorizedKey(line.replace("AAAA", "AA*A")), /not valid base64/);
    assert.throws(
      () => parseAuthorizedKey(line.replace("ssh-ed25519", "ssh-rsa")),
      /the line says "ssh-rsa"/,
    );
    assert.throws(() => parseAuthorizedKey(line.slice(0, -8)), SshFormatError);
    assert.throws(() => formatAuthorizedKey(generateSshKeyPair().publicKey, "a\nb"), /control/);
  });
});
