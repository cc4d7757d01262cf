import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { before, describe, it } from "node:test";
import {
  ClusterCasError,
  generateClusterCas,
  loadClusterCas,
  privateKeyToPem,
  signSshCertificate,
  storeClusterCas,
  verifySshCertificate,
  type ClusterCas,
  type StoredClusterCas,
} from "../../src/auth/ca/index.js";

const NOW = new Date("2030-01-01T12:00:00Z");
let cas: ClusterCas;
let stored: StoredClusterCas;

before(async () => {
  cas = await generateClusterCas({ clusterName: "example.com", now: NOW });
  stored = storeClusterCas(cas);
});

describe("cluster CAs", () => {
  it("are three distinct CAs, stored as plain JSON text", () => {
    assert.notEqual(cas.userCa.ssh.authorizedKey, cas.hostCa.ssh.authorizedKey);
    assert.equal(cas.tlsCa.certificate.ca, true);
    assert.match(stored.userCa.ssh.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(stored.hostCa.ssh.publicKey, /^ssh-ed25519 AAAA/);
    assert.match(stored.tlsCa.certPem, /^-----BEGIN CERTIFICATE-----/);
    assert.deepEqual(JSON.parse(JSON.stringify(stored)), stored);
  });

  it("load back from JSON and still sign what the stored public keys verify", () => {
    const loaded = loadClusterCas(JSON.stringify(stored));
    assert.deepEqual(storeClusterCas(loaded), stored);
    const user = generateKeyPairSync("ed25519").publicKey;
    const cert = signSshCertificate({
      caPrivateKey: loaded.userCa.ssh.privateKey,
      publicKey: user,
      type: "user",
      keyId: "alice",
      principals: ["alice"],
      validAfter: NOW,
      validBefore: new Date(NOW.getTime() + 60_000),
    });
    const check = verifySshCertificate(cert.blob, {
      caPublicKeys: [stored.userCa.ssh.publicKey],
      now: NOW,
      type: "user",
      principal: "alice",
    });
    assert.equal(check.ok, true);
  });

  it("refuse damaged stored CAs with what is wrong", () => {
    assert.throws(() => loadClusterCas("{not json"), /not valid JSON/);
    assert.throws(
      () => loadClusterCas({ ...stored, userCa: {} }),
      /userCa\.ssh: .*wrong shape|wrong shape.*userCa\.ssh/,
    );
    const swapped = {
      ...stored,
      userCa: { ssh: { ...stored.userCa.ssh, publicKey: stored.hostCa.ssh.publicKey } },
    };
    assert.throws(() => loadClusterCas(swapped), /user CA: the private key does not match/);
    const foreign = privateKeyToPem(generateKeyPairSync("ed25519").privateKey);
    const badTls = { ...stored, tlsCa: { ...stored.tlsCa, keyPem: foreign } };
    assert.throws(() => loadClusterCas(badTls), ClusterCasError);
    assert.throws(() => loadClusterCas(badTls), /TLS CA key does not belong/);
  });
});
