// Our SSH keys and certificates against the real OpenSSH tools: ssh-keygen must read what we
// write, and we must read and verify what ssh-keygen writes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import {
  formatIdentityFile,
  formatOpensshPrivateKey,
  generateClusterCas,
  generateSshKeyPair,
  parseAuthorizedKey,
  parseIdentityFile,
  parseSshCertificate,
  signSshCertificate,
  sshFingerprint,
  verifySshCertificate,
  type SshCertificateCheck,
} from "../../src/auth/ca/index.js";
import { tempDir } from "../helpers/tmp.js";
import { signUserCertificates } from "../helpers/user-certs.js";

const hasSshKeygen = spawnSync("ssh-keygen", ["-?"]).error === undefined;
const skip = hasSshKeygen ? false : "ssh-keygen is not installed (apt-get install openssh-client)";

function sshKeygen(args: string[]): string {
  const r = spawnSync("ssh-keygen", args, { encoding: "utf8" });
  assert.equal(r.status, 0, `ssh-keygen ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Writes a secret file with the mode OpenSSH insists on. */
function writeSecret(path: string, text: string): string {
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/** ssh-keygen -L prints local time: format our expectation the same way. */
function localStamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

let dir: string;
before(() => {
  dir = tempDir("ca-openssh-");
});

describe("OpenSSH interoperability", { skip }, () => {
  it("ssh-keygen -y reads our private key and derives our public key", () => {
    const pair = generateSshKeyPair("alice@example");
    const file = writeSecret(join(dir, "id_ed25519"), pair.opensshPrivateKey);
    const derived = sshKeygen(["-y", "-f", file]).trim();
    // ssh-keygen -y appends the comment kept in the private key.
    assert.equal(derived, pair.authorizedKey);
    assert.equal(sshKeygen(["-l", "-f", file]).split(" ")[1], sshFingerprint(pair.publicKey));
  });

  it("ssh-keygen -L lists our user certificate with its principals, validity and extensions", () => {
    const ca = generateSshKeyPair();
    const user = generateSshKeyPair();
    const validAfter = new Date("2030-01-01T12:00:00Z");
    const validBefore = new Date("2030-01-01T20:00:00Z");
    const cert = signSshCertificate({
      caPrivateKey: ca.privateKey,
      publicKey: user.authorizedKey,
      type: "user",
      keyId: "alice",
      principals: ["alice", "root"],
      validAfter,
      validBefore,
      serial: 7n,
      criticalOptions: { "force-command": "uptime" },
    });
    writeFileSync(join(dir, "user-cert.pub"), `${cert.line}\n`);
    const out = sshKeygen(["-L", "-f", join(dir, "user-cert.pub")]);
    assert.match(out, /Type: ssh-ed25519-cert-v01@openssh.com user certificate/);
    assert.match(
      out,
      new RegExp(
        `Signing CA: ED25519 ${escape(sshFingerprint(ca.publicKey))} \\(using ssh-ed25519\\)`,
      ),
    );
    assert.match(out, /Key ID: "alice"/);
    assert.match(out, /Serial: 7\n/);
    assert.match(
      out,
      new RegExp(`Valid: from ${localStamp(validAfter)} to ${localStamp(validBefore)}`),
    );
    assert.match(out, /Principals: \n\s+alice\n\s+root\n/);
    assert.match(out, /Critical Options: \n\s+force-command uptime\n/);
    assert.match(
      out,
      /Extensions: \n\s+permit-X11-forwarding\n\s+permit-agent-forwarding\n\s+permit-port-forwarding\n\s+permit-pty\n\s+permit-user-rc\n/,
    );
  });

  it("ssh-keygen -L lists our host certificate", () => {
    const ca = generateSshKeyPair();
    const host = generateSshKeyPair();
    const cert = signSshCertificate({
      caPrivateKey: ca.privateKey,
      publicKey: host.publicKey,
      type: "host",
      keyId: "node-uuid",
      principals: ["node-uuid", "node-uuid.example.com", "node1"],
      validAfter: new Date("2030-01-01T12:00:00Z"),
      validBefore: new Date("2030-01-02T12:00:00Z"),
    });
    writeFileSync(join(dir, "host-cert.pub"), `${cert.line}\n`);
    const out = sshKeygen(["-L", "-f", join(dir, "host-cert.pub")]);
    assert.match(out, /Type: ssh-ed25519-cert-v01@openssh.com host certificate/);
    assert.match(out, /Principals: \n\s+node-uuid\n\s+node-uuid.example.com\n\s+node1\n/);
    assert.match(out, /Critical Options: \(none\)/);
    assert.match(out, /Extensions: \(none\)/);
  });

  it("reads and verifies a certificate made by ssh-keygen -s, and notices tampering", () => {
    sshKeygen(["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", join(dir, "ca")]);
    sshKeygen(["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", join(dir, "user")]);
    sshKeygen([
      "-q",
      "-s",
      join(dir, "ca"),
      "-I",
      "id",
      "-n",
      "alice",
      "-V",
      "+1h",
      join(dir, "user.pub"),
    ]);
    const line = readFileSync(join(dir, "user-cert.pub"), "utf8");
    const caKey = readFileSync(join(dir, "ca.pub"), "utf8");
    const cert = parseSshCertificate(line);
    assert.equal(cert.keyId, "id");
    assert.deepEqual(cert.principals, ["alice"]);
    assert.deepEqual(Object.keys(cert.extensions).length, 5);
    const userKey = parseAuthorizedKey(readFileSync(join(dir, "user.pub"), "utf8"));
    assert.deepEqual(cert.publicKey.export({ format: "jwk" }), userKey.export({ format: "jwk" }));

    const opts = {
      caPublicKeys: [caKey],
      now: new Date(),
      principal: "alice",
      type: "user" as const,
    };
    assert.equal(verifySshCertificate(line, opts).ok, true);
    // One byte of the key id, inside the signed part.
    const tampered = Buffer.from(cert.blob);
    const at = tampered.indexOf(Buffer.from("\0\0\0\x02id"));
    tampered[at + 4] = "x".charCodeAt(0);
    const check: SshCertificateCheck = verifySshCertificate(tampered, opts);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.reason, "bad-signature");
    // A CA we do not trust.
    const foreign = generateSshKeyPair();
    const r = verifySshCertificate(line, { ...opts, caPublicKeys: [foreign.authorizedKey] });
    assert.equal(!r.ok && r.reason, "untrusted-ca");
  });

  it("OpenSSH can use the key and certificate from an identity file", async () => {
    const now = new Date();
    const cas = await generateClusterCas({ clusterName: "example.com", now });
    const user = await signUserCertificates(cas, {
      user: "bot",
      principals: ["bot"],
      now,
      validFor: 3600_000,
    });
    const text = formatIdentityFile({
      privateKey: user.key.privateKey,
      sshCertificate: user.sshCertificate,
      tlsCertificatePem: user.tlsCertificatePem,
      sshCaLines: [],
      tlsCaCertificatesPem: [cas.tlsCa.certPem],
    });
    const id = parseIdentityFile(text);
    // The layout OpenSSH looks for: KEY and KEY-cert.pub side by side.
    const key = writeSecret(join(dir, "bot"), formatOpensshPrivateKey(id.privateKey));
    writeFileSync(`${key}-cert.pub`, `${id.sshCertificate}\n`);
    assert.match(sshKeygen(["-L", "-f", `${key}-cert.pub`]), /Key ID: "bot"/);
    assert.equal(sshKeygen(["-y", "-f", key]).trim(), user.key.authorizedKey);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
