import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_USER_EXTENSIONS,
  generateSshKeyPair,
  parseSshCertificate,
  SSH_ED25519_CERT,
  SshFormatError,
  SshSigningError,
  signSshCertificate,
  verifySshCertificate,
  type SignSshCertificateParams,
  type SshCertificateCheck,
} from "../../src/auth/ca/index.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const HOUR = 3600_000;
const userCa = generateSshKeyPair();
const hostCa = generateSshKeyPair();
const subject = generateSshKeyPair();

function userCert(over: Partial<SignSshCertificateParams> = {}) {
  return signSshCertificate({
    caPrivateKey: userCa.privateKey,
    publicKey: subject.authorizedKey,
    type: "user",
    keyId: "alice",
    principals: ["alice", "root"],
    validAfter: new Date(NOW.getTime() - HOUR),
    validBefore: new Date(NOW.getTime() + HOUR),
    ...over,
  });
}

function refused(check: SshCertificateCheck): { reason: string; message: string } {
  assert.equal(check.ok, false, "expected the certificate to be refused");
  return check.ok ? { reason: "", message: "" } : check;
}

describe("SSH certificates", () => {
  it("signs a user certificate and parses it back field by field", () => {
    const signed = userCert({ serial: 42n });
    assert.ok(signed.line.startsWith(`${SSH_ED25519_CERT} AAAA`));
    assert.ok(signed.line.endsWith(" alice"));
    const cert = parseSshCertificate(signed.line);
    assert.equal(cert.type, "user");
    assert.equal(cert.keyId, "alice");
    assert.equal(cert.serial, 42n);
    assert.deepEqual(cert.principals, ["alice", "root"]);
    assert.equal(cert.validAfter, BigInt((NOW.getTime() - HOUR) / 1000));
    assert.equal(cert.validBefore, BigInt((NOW.getTime() + HOUR) / 1000));
    assert.deepEqual(cert.extensions, DEFAULT_USER_EXTENSIONS);
    assert.deepEqual(cert.criticalOptions, {});
    assert.equal(cert.nonce.length, 32);
    assert.equal(cert.signature.length, 64);
    assert.deepEqual(
      cert.publicKey.export({ format: "jwk" }),
      subject.publicKey.export({ format: "jwk" }),
    );
    assert.ok(cert.blob.equals(signed.blob));
    assert.ok(cert.blob.subarray(0, cert.signedBytes.length).equals(cert.signedBytes));
  });

  it("writes host certificates without extensions and options with nested values", () => {
    const host = signSshCertificate({
      caPrivateKey: hostCa.privateKey,
      publicKey: subject.publicKey,
      type: "host",
      keyId: "node-1",
      principals: ["node-1", "node-1.example.com"],
      validAfter: NOW,
      validBefore: new Date(NOW.getTime() + HOUR),
    });
    assert.equal(host.certificate.type, "host");
    assert.deepEqual(host.certificate.extensions, {});
    const forced = userCert({
      criticalOptions: { "force-command": "uptime", "source-address": "10.0.0.0/8" },
      extensions: { "permit-pty": "", "teleport-roles": '{"version":"v1"}' },
    });
    assert.deepEqual(forced.certificate.criticalOptions, {
      "force-command": "uptime",
      "source-address": "10.0.0.0/8",
    });
    assert.equal(forced.certificate.extensions["teleport-roles"], '{"version":"v1"}');
    // Names are written sorted whatever order they were given in.
    const order = userCert({ extensions: { b: "", a: "", "permit-pty": "" } }).certificate;
    assert.deepEqual(Object.keys(order.extensions), ["a", "b", "permit-pty"]);
  });

  it("accepts a good certificate", () => {
    const check = verifySshCertificate(userCert().blob, {
      caPublicKeys: [hostCa.authorizedKey, userCa.publicKey],
      now: NOW,
      principal: "root",
      type: "user",
    });
    assert.equal(check.ok, true);
    assert.equal(check.ok && check.certificate.keyId, "alice");
  });

  it("refuses each kind of bad certificate with its reason", () => {
    const opts = { caPublicKeys: [userCa.authorizedKey], now: NOW, type: "user" as const };
    const good = userCert();
    let r = refused(
      verifySshCertificate(good.line, { ...opts, caPublicKeys: [hostCa.authorizedKey] }),
    );
    assert.equal(r.reason, "untrusted-ca");
    assert.match(r.message, /not signed by a trusted CA/);

    r = refused(
      verifySshCertificate(good.line, { ...opts, now: new Date(NOW.getTime() + 2 * HOUR) }),
    );
    assert.equal(r.reason, "expired");
    assert.match(r.message, /expired at 2030-01-01T13:00:00.000Z/);
    // valid_before itself is already outside the window, as in sshd.
    r = refused(verifySshCertificate(good.line, { ...opts, now: new Date(NOW.getTime() + HOUR) }));
    assert.equal(r.reason, "expired");

    r = refused(
      verifySshCertificate(good.line, { ...opts, now: new Date(NOW.getTime() - 2 * HOUR) }),
    );
    assert.equal(r.reason, "not-yet-valid");
    assert.match(r.message, /not yet valid/);

    r = refused(verifySshCertificate(good.line, { ...opts, principal: "bob" }));
    assert.equal(r.reason, "principal-not-listed");
    assert.match(r.message, /principal "bob" not listed \(listed: alice, root\)/);

    r = refused(verifySshCertificate(good.line, { ...opts, type: "host" }));
    assert.equal(r.reason, "wrong-type");
    assert.match(r.message, /is a user certificate, expected host/);

    r = refused(verifySshCertificate("ssh-ed25519-cert-v01@openssh.com AAAA", opts));
    assert.equal(r.reason, "malformed");
  });

  it("notices any changed byte", () => {
    const { blob } = userCert();
    const opts = { caPublicKeys: [userCa.publicKey], now: NOW, type: "user" as const };
    // Every byte of the signed part and the signature, one at a time.
    for (let i = 0; i < blob.length; i++) {
      const copy = Buffer.from(blob);
      copy[i] = (copy[i] ?? 0) ^ 0x01;
      const check = verifySshCertificate(copy, opts);
      assert.equal(check.ok, false, `byte ${i} changed but the certificate was accepted`);
    }
  });

  it("enforces source-address and refuses unknown critical options", () => {
    const opts = { caPublicKeys: [userCa.publicKey], now: NOW, type: "user" as const };
    const limited = userCert({ criticalOptions: { "source-address": "10.1.0.0/16,192.0.2.7" } });
    assert.equal(
      verifySshCertificate(limited.blob, { ...opts, clientAddress: "10.1.2.3" }).ok,
      true,
    );
    assert.equal(
      verifySshCertificate(limited.blob, { ...opts, clientAddress: "::ffff:192.0.2.7" }).ok,
      true,
    );
    assert.equal(
      refused(verifySshCertificate(limited.blob, { ...opts, clientAddress: "10.2.0.1" })).reason,
      "source-address-denied",
    );
    assert.match(refused(verifySshCertificate(limited.blob, opts)).message, /no client address/);
    const bad = userCert({ criticalOptions: { "source-address": "10.0.0.0/99" } });
    assert.match(
      refused(verifySshCertificate(bad.blob, { ...opts, clientAddress: "10.0.0.1" })).message,
      /malformed source-address/,
    );
    const unknown = userCert({ criticalOptions: { "verify-required": "" } });
    assert.equal(
      refused(verifySshCertificate(unknown.blob, opts)).reason,
      "unsupported-critical-option",
    );
  });

  it("refuses to sign dangerous or impossible certificates", () => {
    assert.throws(() => userCert({ principals: [] }), /without principals/);
    assert.throws(() => userCert({ keyId: "" }), SshSigningError);
    assert.throws(() => userCert({ keyId: "alice\nssh-ed25519 AAAA" }), /control characters/);
    assert.throws(
      () => userCert({ validBefore: new Date(NOW.getTime() - 2 * HOUR) }),
      /must be after validAfter/,
    );
    assert.throws(() => userCert({ caPrivateKey: userCa.publicKey }), /private key/);
  });

  it("refuses certificates it cannot read with SshFormatError", () => {
    const { blob } = userCert();
    assert.throws(() => parseSshCertificate(blob.subarray(0, blob.length - 1)), SshFormatError);
    assert.throws(
      () => parseSshCertificate(Buffer.concat([blob, Buffer.from([0])])),
      /unexpected bytes/,
    );
    assert.throws(() => parseSshCertificate(subject.authorizedKey), /only ssh-ed25519-cert-v01/);
  });
});
