import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  formatIdentityFile,
  formatKnownHostsCaLine,
  formatOpensshPrivateKey,
  generateClusterCas,
  generateSshKeyPair,
  IdentityFileError,
  parseIdentityFile,
  parseKnownHostsCaLine,
  privateKeyToPem,
  type ClusterCas,
  type IdentityFile,
} from "../../src/auth/ca/index.js";
import { signUserCertificates } from "../helpers/user-certs.js";

const NOW = new Date("2030-01-01T12:00:00Z");
let cas: ClusterCas;
let identity: IdentityFile;
let text: string;

before(async () => {
  cas = await generateClusterCas({ clusterName: "example.com", now: NOW });
  const user = await signUserCertificates(cas, {
    user: "bot",
    principals: ["bot"],
    roles: ["access"],
    now: NOW,
    validFor: 3600_000,
  });
  identity = {
    privateKey: user.key.privateKey,
    sshCertificate: user.sshCertificate,
    tlsCertificatePem: user.tlsCertificatePem,
    sshCaLines: [
      formatKnownHostsCaLine({
        clusterName: "example.com",
        proxyHost: "proxy.example.com",
        caPublicKey: cas.hostCa.ssh.publicKey,
      }),
    ],
    tlsCaCertificatesPem: [cas.tlsCa.certPem],
  };
  text = formatIdentityFile(identity);
});

describe("identity file", () => {
  it("is laid out as Teleport writes it", () => {
    const lines = text.trimEnd().split("\n");
    assert.equal(lines[0], "-----BEGIN PRIVATE KEY-----");
    const keyEnd = lines.indexOf("-----END PRIVATE KEY-----");
    assert.match(lines[keyEnd + 1] ?? "", /^ssh-ed25519-cert-v01@openssh\.com AAAA\S+ bot$/);
    assert.equal(lines[keyEnd + 2], "-----BEGIN CERTIFICATE-----");
    const caLine = lines.find((l) => l.startsWith("@cert-authority"));
    assert.match(
      caLine ?? "",
      /^@cert-authority proxy\.example\.com,example\.com,\*\.example\.com ssh-ed25519 AAAA\S+ type=host$/,
    );
    assert.ok(text.endsWith("-----END CERTIFICATE-----\n"));
    assert.equal(text.split("-----BEGIN CERTIFICATE-----").length - 1, 2);
  });

  it("round-trips", () => {
    const parsed = parseIdentityFile(text);
    assert.equal(formatIdentityFile(parsed), text);
    assert.equal(parsed.sshCert.keyId, "bot");
    assert.equal(parsed.tlsCertificate.subject, "O=access\nCN=bot");
    assert.equal(parsed.tlsCaCertificates[0]?.fingerprint256, cas.tlsCa.certificate.fingerprint256);
    const [caLine] = parsed.sshCaLines;
    assert.deepEqual(parseKnownHostsCaLine(caLine ?? "").hosts, [
      "proxy.example.com",
      "example.com",
      "*.example.com",
    ]);
  });

  it("also reads a key in OpenSSH format and CRLF line ends", () => {
    const openssh = text.replace(
      privateKeyToPem(identity.privateKey),
      formatOpensshPrivateKey(identity.privateKey),
    );
    assert.equal(parseIdentityFile(openssh.replace(/\n/g, "\r\n")).sshCert.keyId, "bot");
  });

  it("refuses a damaged file, naming the line and the way out", () => {
    const lines = text.split("\n");
    const damage = (t: string, pattern: RegExp) => {
      assert.throws(
        () => parseIdentityFile(t, "bot.id"),
        (err: unknown) => {
          assert.ok(
            err instanceof IdentityFileError,
            `expected IdentityFileError, got ${String(err)}`,
          );
          assert.match(err.message, pattern);
          assert.match(err.message, /tctl auth sign/);
          return true;
        },
      );
    };
    damage(
      text.slice(0, text.length - 40),
      /bot\.id:\d+: .* has no matching "-----END CERTIFICATE-----"/,
    );
    damage("", /private key/);
    const certLine = lines.findIndex((l) => l.startsWith("ssh-ed25519-cert"));
    damage(lines.filter((_, i) => i !== certLine).join("\n"), /no SSH certificate line/);
    const mangled = [...lines];
    mangled[certLine] = (mangled[certLine] ?? "").replace(/AAAA(.{10})/, "AAAA$1AAAA");
    damage(mangled.join("\n"), new RegExp(`bot\\.id:${certLine + 1}: SSH certificate`));
    mangled[certLine] = "garbage";
    damage(mangled.join("\n"), /unrecognised line "garbage/);
    // A key from another identity.
    const other = text.replace(
      privateKeyToPem(identity.privateKey),
      privateKeyToPem(generateSshKeyPair().privateKey),
    );
    damage(other, /private key does not match the SSH certificate/);
    // A flipped character inside the TLS certificate.
    const tlsStart = lines.indexOf("-----BEGIN CERTIFICATE-----");
    const flipped = [...lines];
    flipped[tlsStart + 2] =
      `${(flipped[tlsStart + 2] ?? "").slice(0, 10)}!${(flipped[tlsStart + 2] ?? "").slice(11)}`;
    damage(flipped.join("\n"), new RegExp(`bot\\.id:${tlsStart + 1}: TLS certificate`));
  });
});
