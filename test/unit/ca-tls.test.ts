import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { before, describe, it } from "node:test";
import {
  caPin,
  createTlsCa,
  issueTlsCertificate,
  keyMatchesCertificate,
  loadTlsCa,
  readTlsIdentity,
  selfSignedP256Certificate,
  TlsCertificateError,
  type TlsCa,
} from "../../src/auth/ca/index.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const HOUR = 3600_000;
let ca: TlsCa;

before(async () => {
  ca = await createTlsCa({ clusterName: "example.com", now: NOW });
});

describe("TLS CA", () => {
  it("is a self-signed Ed25519 CA valid for ten years", () => {
    const c = ca.certificate;
    assert.equal(c.ca, true);
    assert.equal(c.publicKey.asymmetricKeyType, "ed25519");
    assert.ok(c.checkIssued(c));
    assert.ok(c.verify(c.publicKey));
    assert.equal(c.subject, "O=example.com\nCN=example.com");
    assert.equal(new Date(c.validTo).toISOString(), "2040-01-01T12:00:00.000Z");
    assert.ok(new Date(c.validFrom) <= NOW);
    assert.ok(keyMatchesCertificate(ca.privateKey, c));
    assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  });

  it("loads back from PEM and refuses a key from elsewhere", async () => {
    const again = loadTlsCa({ certPem: ca.certPem, keyPem: ca.keyPem });
    assert.equal(again.certificate.fingerprint256, ca.certificate.fingerprint256);
    const other = await createTlsCa({ clusterName: "other", now: NOW });
    assert.throws(
      () => loadTlsCa({ certPem: ca.certPem, keyPem: other.keyPem }),
      /does not belong/,
    );
    assert.throws(() => loadTlsCa({ certPem: "junk", keyPem: ca.keyPem }), TlsCertificateError);
  });

  it("pins the CA by the SHA-256 of its SubjectPublicKeyInfo", () => {
    const spki = ca.certificate.publicKey.export({ format: "der", type: "spki" });
    const expected = `sha256:${createHash("sha256").update(spki).digest("hex")}`;
    assert.equal(caPin(ca.certPem), expected);
    assert.match(caPin(ca.certPem), /^sha256:[0-9a-f]{64}$/);
  });
});

describe("issued TLS certificates", () => {
  it("carry the identity, names and usages asked for", async () => {
    const issued = await issueTlsCertificate({
      ca,
      commonName: "alice",
      organization: ["access", "editor"],
      dnsNames: ["localhost", "node-1.example.com"],
      ipAddresses: ["127.0.0.1", "::1"],
      usage: "both",
      validFor: HOUR,
      now: NOW,
    });
    const c = issued.certificate;
    assert.ok(c.checkIssued(ca.certificate));
    assert.ok(c.verify(ca.certificate.publicKey));
    assert.equal(c.ca, false);
    assert.deepEqual(readTlsIdentity(c), {
      commonName: "alice",
      organization: ["access", "editor"],
    });
    assert.equal(
      c.subjectAltName,
      "DNS:localhost, DNS:node-1.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    assert.deepEqual(c.keyUsage, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
    assert.equal(new Date(c.validTo).getTime(), NOW.getTime() + HOUR);
    assert.ok(new Date(c.validFrom) < NOW, "backdated for clock skew");
    assert.equal(issued.privateKey?.asymmetricKeyType, "ed25519");
    assert.ok(issued.privateKey && keyMatchesCertificate(issued.privateKey, c));
  });

  it("certifies a given key, Ed25519 or P-256, without returning a private key", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const issued = await issueTlsCertificate({
      ca,
      subjectPublicKey: publicKey,
      commonName: "node-1",
      usage: "client",
      validFor: HOUR,
      now: NOW,
    });
    assert.equal(issued.privateKey, undefined);
    assert.equal(issued.certificate.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.deepEqual(issued.certificate.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
    await assert.rejects(
      issueTlsCertificate({
        ca,
        subjectPublicKey: publicKey,
        keyAlgorithm: "ed25519",
        commonName: "x",
        usage: "client",
        validFor: HOUR,
        now: NOW,
      }),
      /does not match the subject key/,
    );
  });

  it("refuses bad requests with the reason", async () => {
    const base = { ca, commonName: "x", usage: "server" as const, validFor: HOUR, now: NOW };
    await assert.rejects(
      issueTlsCertificate({ ...base, validFor: 20 * 365 * 24 * HOUR }),
      /outlive its CA/,
    );
    await assert.rejects(issueTlsCertificate({ ...base, validFor: 0 }), /validFor/);
    await assert.rejects(
      issueTlsCertificate({ ...base, ipAddresses: ["localhost"] }),
      /not an IP address/,
    );
    await assert.rejects(
      issueTlsCertificate({ ...base, dnsNames: ["10.0.0.1"] }),
      /put IP addresses in ipAddresses/,
    );
    await assert.rejects(issueTlsCertificate({ ...base, commonName: "" }), TlsCertificateError);
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    await assert.rejects(
      issueTlsCertificate({ ...base, subjectPublicKey: publicKey }),
      /Ed25519 or ECDSA P-256/,
    );
  });
});

describe("self-signed P-256 certificate", () => {
  it("is an ECDSA P-256 server certificate for the names given", async () => {
    const s = await selfSignedP256Certificate({
      dnsNames: ["proxy.example.com"],
      ipAddresses: ["127.0.0.1"],
      now: NOW,
    });
    const c = s.certificate;
    assert.equal(c.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.ok(c.verify(c.publicKey));
    assert.equal(c.subject, "CN=proxy.example.com");
    assert.equal(c.subjectAltName, "DNS:proxy.example.com, IP Address:127.0.0.1");
    assert.deepEqual(c.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
    assert.ok(keyMatchesCertificate(s.privateKey, c));
    await assert.rejects(selfSignedP256Certificate({ dnsNames: [] }), /at least one/);
  });
});
