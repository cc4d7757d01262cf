// Users: invite → password → login, which issues SSH and TLS certificates; lockout after wrong
// passwords; tctl auth sign.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { parseSshCertificate, readTlsIdentity } from "../../src/auth/ca/index.js";
import {
  apiError,
  clientKeys,
  identityOf,
  joinHost,
  startAuthFixture,
  userClient,
  type AuthFixture,
} from "./auth-fixture.js";

const PASSWORD = "correct horse battery staple";
const HOUR = 3_600_000;

describe("users and logins", () => {
  let f: AuthFixture;
  before(async () => {
    f = await startAuthFixture({ lockout: { maxAttempts: 3, lockFor: 10 * 60_000 } });
  });
  after(() => f.close());

  async function addWithPassword(name: string, roles: string[], logins: string[]): Promise<void> {
    const invite = await f.admin.addUser({ name, roles, logins });
    assert.equal(invite.kind, "signup");
    assert.equal(invite.user.name, name);
    const user = await f.admin.completeInvite(invite.inviteToken, PASSWORD);
    assert.deepEqual(user.roles, roles);
  }

  it("issues certificates at login: SSH principals = logins, TLS CN = user, O = roles", async () => {
    await addWithPassword("alice", ["access"], ["root", "ubuntu"]);
    // Logins come through the proxy: its identity may ask for them.
    const proxy = await joinHost(f, "proxy", "proxy-1");
    const keys = clientKeys();
    const before = Date.now();
    const certs = await proxy.client.login({
      user: "alice",
      password: PASSWORD,
      sshPublicKey: keys.ssh.authorizedKey,
      tlsPublicKey: keys.tlsPublicKeyPem,
    });
    assert.deepEqual(certs.logins, ["root", "ubuntu"]);
    assert.deepEqual(certs.roles, ["access"]);
    const ssh = parseSshCertificate(certs.sshCertificate);
    assert.equal(ssh.type, "user");
    assert.equal(ssh.keyId, "alice");
    assert.deepEqual(ssh.principals, ["root", "ubuntu"]);
    assert.ok("permit-pty" in ssh.extensions);
    assert.deepEqual(readTlsIdentity(new X509Certificate(certs.tlsCertificate)), {
      commonName: "alice",
      organization: ["access"],
    });
    // Teleport's default of 12 hours.
    const left = certs.validBefore.getTime() - before;
    assert.ok(left > 11.9 * HOUR && left <= 12 * HOUR + 5000, `valid for ${left} ms`);

    // The TLS certificate is alice's identity now.
    const alice = f.client(identityOf(keys, certs));
    assert.deepEqual((await alice.status()).identity, {
      name: "alice",
      kind: "user",
      roles: ["access"],
    });
    const denied = await apiError(() => alice.listTokens());
    assert.equal(denied.status, 403);
    assert.match(
      denied.message,
      /user "alice" may not call GET \/v1\/tokens: their roles \(access\)/,
    );
    // …and a user may not log others in.
    const notProxy = await apiError(() =>
      alice.login({ user: "alice", password: PASSWORD, sshPublicKey: "x", tlsPublicKey: "x" }),
    );
    assert.equal(notProxy.status, 403);
  });

  it("caps the lifetime at the roles' max_session_ttl", async () => {
    const keys = clientKeys();
    const certs = await f.admin.login({
      user: "alice",
      password: PASSWORD,
      sshPublicKey: keys.ssh.authorizedKey,
      tlsPublicKey: keys.tlsPublicKeyPem,
      ttl: "100h",
    });
    assert.ok(certs.validBefore.getTime() <= Date.now() + 30 * HOUR);
  });

  it("locks a user out after repeated wrong passwords (429 with the time)", async () => {
    await addWithPassword("bob", ["access"], ["bob"]);
    const keys = clientKeys();
    const attempt = (password: string) => () =>
      f.admin.login({
        user: "bob",
        password,
        sshPublicKey: keys.ssh.authorizedKey,
        tlsPublicKey: keys.tlsPublicKeyPem,
      });
    for (let i = 0; i < 2; i++) {
      const wrong = await apiError(attempt("wrong password!!"));
      assert.equal(wrong.status, 401);
      assert.equal(wrong.message, "invalid username or password");
    }
    const locked = await apiError(attempt("wrong password!!"));
    assert.equal(locked.status, 429);
    assert.match(locked.message, /^user locked until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    // Even the right password is refused while locked.
    assert.equal((await apiError(attempt(PASSWORD))).status, 429);

    const logins = await f.admin.searchEvents({ types: "user.login", user: "bob" });
    assert.equal(logins.events.length, 4);
    assert.ok(logins.events.every((event) => event["success"] === false));
  });

  it("refuses a weak password and an unknown invite", async () => {
    const invite = await f.admin.addUser({ name: "carol", roles: ["auditor"], logins: [] });
    const weak = await apiError(() => f.admin.completeInvite(invite.inviteToken, "short"));
    assert.equal(weak.status, 400);
    assert.match(weak.message, /too short/);
    const unknown = await apiError(() => f.admin.completeInvite("0".repeat(64), PASSWORD));
    assert.equal(unknown.status, 404);
  });

  it("signs certificates for a user without a password (tctl auth sign), admin only", async () => {
    const keys = clientKeys();
    const certs = await f.admin.signCerts({
      user: "carol",
      ttl: "2h",
      sshPublicKey: keys.ssh.authorizedKey,
      tlsPublicKey: keys.tlsPublicKeyPem,
    });
    // carol has no logins: the certificate gets a principal that matches no account.
    assert.deepEqual(certs.logins, []);
    assert.match(
      parseSshCertificate(certs.sshCertificate).principals[0] ?? "",
      /^-teleport-nologin-/,
    );
    const carol = await userClient(f, "carol");
    assert.equal((await carol.status()).identity.name, "carol");
    const unknown = await apiError(() =>
      f.admin.signCerts({
        user: "nobody",
        ttl: "1h",
        sshPublicKey: keys.ssh.authorizedKey,
        tlsPublicKey: keys.tlsPublicKeyPem,
      }),
    );
    assert.equal(unknown.status, 404);
  });

  it("manages users: list, reset, remove; refuses system role names", async () => {
    const names = (await f.admin.listUsers()).map((user) => user.name);
    assert.deepEqual(names, ["alice", "bob", "carol"]);
    const reset = await f.admin.resetUser("bob");
    assert.equal(reset.kind, "reset");
    await f.admin.removeUser("carol");
    assert.equal((await apiError(() => f.admin.removeUser("carol"))).status, 404);
    const reserved = await apiError(() => f.admin.addUser({ name: "mallory", roles: ["Admin"] }));
    assert.equal(reserved.status, 400);
    assert.match(reserved.message, /reserved for cluster components/);
  });
});
