// The profile tsh login keeps under ~/.tsh: Teleport's layout, private permissions, read back
// as the same credentials, known_hosts that OpenSSH can use, and logout removing it.
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import {
  formatKnownHostsCaLine,
  generateClusterCas,
  type ClusterCas,
} from "../../src/auth/ca/index.js";
import {
  assertNotExpired,
  currentProfileName,
  formatValidUntil,
  listProfiles,
  loadProfile,
  profileCredentials,
  profilePaths,
  removeProfile,
  saveProfile,
  tshHome,
  type CredentialParts,
} from "../../src/client/index.js";
import { tempDir } from "../helpers/tmp.js";
import { signUserCertificates } from "../helpers/user-certs.js";

const NOW = new Date();
const HOUR = 3600_000;
let cas: ClusterCas;
let parts: CredentialParts;

before(async () => {
  cas = await generateClusterCas({ clusterName: "example.com", now: NOW });
  const user = await signUserCertificates(cas, {
    user: "alice",
    principals: ["alice", "root", "-teleport-nologin-1234"],
    roles: ["access", "auditor"],
    now: NOW,
    validFor: HOUR,
    backdate: HOUR,
  });
  parts = {
    privateKey: user.key.privateKey,
    sshCertificate: user.sshCertificate,
    tlsCertificatePem: user.tlsCertificatePem,
    tlsCaPems: [cas.tlsCa.certPem],
    sshHostCaLines: [
      formatKnownHostsCaLine({ clusterName: "example.com", caPublicKey: cas.hostCa.ssh.publicKey }),
    ],
  };
});

function save(home: string): void {
  saveProfile(home, {
    webProxy: { host: "proxy.example.com", port: 3080 },
    sshProxy: { host: "proxy.example.com", port: 3023 },
    user: "alice",
    cluster: "example.com",
    parts,
  });
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe("tsh profile", () => {
  it("lives in ~/.tsh, or $TELEPORT_HOME when set", () => {
    assert.equal(tshHome({ HOME: "/home/alice" }), "/home/alice/.tsh");
    assert.equal(tshHome({ HOME: "/home/alice", TELEPORT_HOME: "/srv/tsh" }), "/srv/tsh");
  });

  it("uses Teleport's file layout", () => {
    const paths = profilePaths("/h/.tsh", {
      proxyHost: "proxy.example.com",
      user: "alice",
      cluster: "example.com",
    });
    assert.deepEqual(
      [
        paths.currentProfile,
        paths.profile,
        paths.knownHosts,
        paths.privateKey,
        paths.publicKey,
        paths.tlsCert,
        paths.sshCert,
        paths.tlsCas,
      ],
      [
        "/h/.tsh/current-profile",
        "/h/.tsh/proxy.example.com.yaml",
        "/h/.tsh/known_hosts",
        "/h/.tsh/keys/proxy.example.com/alice",
        "/h/.tsh/keys/proxy.example.com/alice.pub",
        "/h/.tsh/keys/proxy.example.com/alice-x509.pem",
        "/h/.tsh/keys/proxy.example.com/alice-ssh/example.com-cert.pub",
        "/h/.tsh/keys/proxy.example.com/cas/example.com.pem",
      ],
    );
  });

  it("refuses names that would climb out of the folder", () => {
    assert.throws(
      () => profilePaths("/h", { proxyHost: "..", user: "alice", cluster: "c" }),
      /proxy host "\.\." cannot be used in a file name/,
    );
    assert.throws(
      () => profilePaths("/h", { proxyHost: "p", user: "a/b", cluster: "c" }),
      /user name "a\/b" cannot be used/,
    );
  });

  it("keeps keys and certificates 0600 in 0700 folders, and makes it current", () => {
    const home = join(tempDir("tsh-profile-"), ".tsh");
    save(home);
    const paths = profilePaths(home, {
      proxyHost: "proxy.example.com",
      user: "alice",
      cluster: "example.com",
    });
    for (const dir of [home, paths.keysDir, paths.sshCertDir, paths.casDir]) {
      assert.equal(mode(dir), 0o700, dir);
    }
    for (const file of [paths.privateKey, paths.sshCert, paths.tlsCert, paths.tlsCas]) {
      assert.equal(mode(file), 0o600, file);
    }
    assert.match(readFileSync(paths.privateKey, "utf8"), /^-----BEGIN OPENSSH PRIVATE KEY-----/);
    assert.match(readFileSync(paths.publicKey, "utf8"), /^ssh-ed25519 AAAA/);
    assert.match(readFileSync(paths.sshCert, "utf8"), /^ssh-ed25519-cert-v01@openssh\.com /);
    assert.equal(currentProfileName(home), "proxy.example.com");
    assert.deepEqual(readFileSync(paths.profile, "utf8").trim().split("\n"), [
      "web_proxy_addr: proxy.example.com:3080",
      "ssh_proxy_addr: proxy.example.com:3023",
      "user: alice",
      "cluster: example.com",
    ]);
  });

  it("reads back what the certificates say", () => {
    const home = join(tempDir("tsh-profile-"), ".tsh");
    save(home);
    const profile = loadProfile(home, "proxy.example.com");
    assert.ok(profile);
    assert.deepEqual(profile.sshProxy, { host: "proxy.example.com", port: 3023 });
    const credentials = profileCredentials(profile);
    assert.equal(credentials.user, "alice");
    assert.equal(credentials.cluster, "example.com");
    assert.deepEqual(credentials.roles, ["access", "auditor"]);
    assert.deepEqual(credentials.logins, ["alice", "root"]);
    assert.equal(credentials.hostCaKeys.length, 1);
    assert.doesNotThrow(() => assertNotExpired(credentials, NOW));
    assert.throws(
      () => assertNotExpired(credentials, new Date(NOW.getTime() + 2 * HOUR)),
      /^ClientError: the certificates of alice \(the profile in .*\) expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC: run tsh login again$/,
    );
  });

  it("status says how long the certificates stay valid, or that they expired", () => {
    const end = new Date("2030-05-01T13:04:05.600Z");
    assert.equal(
      formatValidUntil(end, new Date("2030-05-01T01:00:00Z")),
      "2030-05-01 13:04:05 +0000 UTC [valid for 12h4m6s]",
    );
    assert.equal(
      formatValidUntil(end, new Date("2030-05-01T14:00:00Z")),
      "2030-05-01 13:04:05 +0000 UTC [EXPIRED]",
    );
  });

  it("trusts the host CA for the proxy and the cluster's hosts, on any port, in known_hosts", () => {
    const home = join(tempDir("tsh-profile-"), ".tsh");
    const knownHosts = join(home, "known_hosts");
    save(home);
    const other =
      "@cert-authority other.com,*.other.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther type=host";
    writeFileSync(knownHosts, `${other}\n${readFileSync(knownHosts, "utf8")}`);
    save(home);
    const lines = readFileSync(knownHosts, "utf8").trim().split("\n");
    assert.equal(lines.length, 2, "a second login replaces its cluster's line, keeps others");
    assert.equal(lines[0], other);
    assert.match(
      lines[1] ?? "",
      /^@cert-authority proxy\.example\.com,\[proxy\.example\.com\]:\*,example\.com,\*\.example\.com,\[\*\.example\.com\]:\* ssh-ed25519 AAAA\S+ type=host$/,
    );
    assert.equal(mode(knownHosts), 0o600);
  });

  it("logout removes the keys, the profile and current-profile", () => {
    const home = join(tempDir("tsh-profile-"), ".tsh");
    save(home);
    assert.deepEqual(listProfiles(home), ["proxy.example.com"]);
    removeProfile(home, "proxy.example.com");
    assert.deepEqual(listProfiles(home), []);
    assert.equal(currentProfileName(home), undefined);
    assert.equal(existsSync(join(home, "keys", "proxy.example.com")), false);
    assert.equal(loadProfile(home, "proxy.example.com"), undefined);
  });

  it("a damaged certificate says which file and to log in again", () => {
    const home = join(tempDir("tsh-profile-"), ".tsh");
    save(home);
    const profile = loadProfile(home, "proxy.example.com");
    assert.ok(profile);
    writeFileSync(profile.paths.sshCert, "ssh-ed25519-cert-v01@openssh.com AAAA\n");
    assert.throws(
      () => profileCredentials(profile),
      /the profile in .*: the SSH certificate cannot be used \(.*\): run tsh login again/,
    );
  });
});
