// The auth server's log names the route, status, caller and duration of each request, and never
// a password, a private key, a join token or an invite token.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  apiError,
  clientKeys,
  joinHost,
  startAuthFixture,
  type AuthFixture,
} from "./auth-fixture.js";

const PASSWORD = "a very secret passphrase";
const WRONG = "another secret attempt";

describe("auth server log", () => {
  let f: AuthFixture;
  before(async () => {
    f = await startAuthFixture();
  });
  after(() => f.close());

  it("holds no secrets, whatever the requests", async () => {
    const secrets: string[] = [PASSWORD, WRONG];
    const token = await f.admin.addToken({
      roles: ["node"],
      ttl: "5m",
      token: "my-chosen-join-token",
    });
    secrets.push(token.token);
    const keys = clientKeys();
    await f.client().join({
      token: token.token,
      role: "node",
      hostname: "node-1",
      sshPublicKey: keys.ssh.authorizedKey,
      tlsPublicKey: keys.tlsPublicKeyPem,
    });
    await apiError(() =>
      f.client().join({
        token: "a-wrong-join-token",
        role: "node",
        hostname: "node-1",
        sshPublicKey: keys.ssh.authorizedKey,
        tlsPublicKey: keys.tlsPublicKeyPem,
      }),
    );
    secrets.push("a-wrong-join-token");
    const removable = await f.admin.addToken({ roles: ["node"], ttl: "5m" });
    await f.admin.removeToken(removable.token);
    secrets.push(removable.token);

    const invite = await f.admin.addUser({ name: "alice", roles: ["access"], logins: ["root"] });
    secrets.push(invite.inviteToken);
    await f.admin.completeInvite(invite.inviteToken, PASSWORD);
    const login = (password: string) =>
      f.admin.login({
        user: "alice",
        password,
        sshPublicKey: keys.ssh.authorizedKey,
        tlsPublicKey: keys.tlsPublicKeyPem,
      });
    await apiError(() => login(WRONG));
    await login(PASSWORD);
    const reset = await f.admin.resetUser("alice");
    secrets.push(reset.inviteToken);
    await joinHost(f);
    await f.admin.searchEvents({ text: PASSWORD });

    const log = f.log();
    for (const secret of secrets)
      assert.ok(!log.includes(secret), `the log holds a secret: ${secret}`);
    assert.doesNotMatch(log, /PRIVATE KEY/);
    // It does log the requests.
    for (const route of ["POST /v1/join", "POST /v1/login", "DELETE /v1/tokens/:token"]) {
      assert.ok(log.includes(`"route":"${route}"`), `logs ${route}`);
    }
    const refused = log
      .split("\n")
      .filter((line) => line.includes('"status":401'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(refused.length, 1);
    assert.deepEqual(Object.keys(refused[0] ?? {}).sort(), [
      "component",
      "duration_ms",
      "identity",
      "level",
      "message",
      "route",
      "status",
      "timestamp",
    ]);
  });
});
