// Refused logins at the SSH node with the real OpenSSH client: each gets "Permission denied"
// (ssh exits 255), and the node writes Teleport's "auth" event (T3007W) with the reason to the
// audit log: expired certificate, foreign CA, login not among the principals, node labels the
// user's roles do not allow, and a login that does not exist on the host.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { KeyObject } from "node:crypto";
import { generateSshKeyPair } from "../../src/auth/index.js";
import { signSshCertificate } from "../../src/auth/ca/index.js";
import {
  PROD_ONLY_ROLE,
  startNodeFixture,
  type NodeFixture,
  type UserFiles,
} from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;
const HOUR = 3600_000;

describe("SSH node refusals", { skip }, () => {
  let f: NodeFixture;
  let alice: UserFiles;

  before(async () => {
    f = await startNodeFixture({ labels: { env: "test" } });
    // Before the node first reads the roles (it caches them for 30 s).
    await f.auth.admin.putRole(PROD_ONLY_ROLE);
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
  });

  after(() => f?.close());

  let files = 0;
  /** A certificate signed here (not by auth's signCerts), written as OpenSSH client files. */
  function signedFiles(caPrivateKey: KeyObject, keyId: string, validBefore: Date): UserFiles {
    const key = generateSshKeyPair(keyId);
    const cert = signSshCertificate({
      caPrivateKey,
      publicKey: key.publicKey,
      type: "user",
      keyId,
      principals: ["root"],
      validAfter: new Date(validBefore.getTime() - 2 * HOUR),
      validBefore,
      extensions: {
        "permit-pty": "",
        "teleport-roles": JSON.stringify({ version: "v1", roles: ["access"] }),
      },
    });
    files += 1;
    const keyFile = join(f.dir, `signed-${files}`);
    writeFileSync(keyFile, key.opensshPrivateKey, { mode: 0o600 });
    const certFile = `${keyFile}-cert.pub`;
    writeFileSync(certFile, `${cert.line}\n`);
    return { keyFile, certFile, knownHosts: alice.knownHosts };
  }

  const userCaKey = (): KeyObject => f.auth.server.state.cas.userCa.ssh.privateKey;

  /** The "auth" events naming `user`, once at least one has reached the audit log. */
  async function authEvents(user: string): Promise<Record<string, unknown>[]> {
    for (let tries = 0; ; tries++) {
      const { events } = await f.auth.admin.searchEvents({ types: "auth", user, limit: "100" });
      if (events.length > 0 || tries === 100) return events;
      await sleep(100);
    }
  }

  async function assertRefused(
    files: UserFiles,
    login: string,
    user: string,
    reason: RegExp,
  ): Promise<void> {
    const result = await f.ssh(files, login, "/bin/echo in");
    assert.equal(result.status, 255, result.stderr);
    assert.match(result.stderr, /Permission denied/);
    assert.equal(result.stdout, "");
    const events = await authEvents(user);
    // One event for the certificate; the plain key OpenSSH offers after it is no attempt.
    assert.equal(events.length, 1, JSON.stringify(events));
    const [event] = events;
    assert.equal(event?.["code"], "T3007W");
    assert.equal(event?.["login"], login);
    assert.equal(event?.["success"], false);
    assert.equal(event?.["server_id"], f.node.identity.hostId);
    assert.equal(event?.["cluster_name"], f.auth.clusterName);
    assert.match(String(event?.["addr.remote"]), /^127\.0\.0\.1:\d+$/);
    assert.equal(event?.["addr.local"], `127.0.0.1:${f.port}`);
    assert.match(String(event?.["error"]), reason);
  }

  it("logs in with a certificate from the user CA that is valid now (the control)", async () => {
    const valid = signedFiles(userCaKey(), "dave", new Date(Date.now() + HOUR));
    const result = await f.ssh(valid, "root", "/bin/echo in");
    assert.equal(result.stdout, "in\n", result.stderr);
    assert.equal(result.status, 0);
  });

  it("refuses an expired certificate", async () => {
    const expired = signedFiles(userCaKey(), "erin", new Date(Date.now() - HOUR));
    await assertRefused(expired, "root", "erin", /expired at/);
  });

  it("refuses a certificate from a foreign CA", async () => {
    const foreignCa = generateSshKeyPair("foreign-ca");
    const foreign = signedFiles(foreignCa.privateKey, "mallory", new Date(Date.now() + HOUR));
    await assertRefused(foreign, "root", "mallory", /not signed by a trusted CA/);
  });

  it("refuses a login that is not among the certificate's principals", async () => {
    await assertRefused(alice, "nobody", "alice", /principal "nobody" not listed/);
  });

  it("refuses a user whose roles do not allow the node's labels", async () => {
    const bob = await f.addUser("bob", { roles: ["prod-only"], logins: [] });
    await assertRefused(bob, "root", "bob", /roles of user "bob" \(prod-only\) do not allow/);
  });

  it("refuses a login that does not exist on the host", async () => {
    const login = "teleport-test-no-such-login";
    const carol = await f.addUser("carol", { roles: ["access"], logins: [login] });
    await assertRefused(carol, login, "carol", /does not exist on this host/);
  });
});
