// The TOTP second factor: an invite enrolls an authenticator app's secret, logins then need its
// codes (second_factor: otp), or only for users who enrolled (optional); a code works once and a
// wrong one counts to the lockout like a wrong password.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  authServerOptions,
  type AuthClient,
  type UserCertsResponse,
} from "../../src/auth/index.js";
import { base32Decode } from "../../src/auth/users/base32.js";
import { hotp, totpCounter } from "../../src/auth/users/totp.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import {
  apiError,
  clientKeys,
  joinHost,
  startAuthFixture,
  userClient,
  type AuthFixture,
} from "./auth-fixture.js";

const PASSWORD = "correct horse battery staple";
const STEP_MS = 30_000;
const OTP_REQUIRED =
  "this cluster requires a one-time password (second_factor: otp): enter the code from your " +
  "authenticator app";
const WRONG_OTP =
  "invalid username, password or one-time password (each code works once: if you just used " +
  "it, wait for the next one)";

/** The code an authenticator app with `secret` shows at the fixture's time. */
function codeNow(f: AuthFixture, secret: string): string {
  return hotp(base32Decode(secret) ?? Buffer.alloc(0), totpCounter(f.clock.now()));
}

/** A code that is none of those accepted around the fixture's time. */
function wrongCode(f: AuthFixture, secret: string): string {
  const key = base32Decode(secret) ?? Buffer.alloc(0);
  const step = totpCounter(f.clock.now());
  const near = new Set([-2, -1, 0, 1, 2].map((delta) => hotp(key, step + delta)));
  const code = ["000000", "111111", "222222", "333333", "444444", "555555"].find(
    (candidate) => !near.has(candidate),
  );
  assert.ok(code !== undefined);
  return code;
}

function login(
  client: AuthClient,
  user: string,
  password: string,
  otpToken?: string,
): Promise<UserCertsResponse> {
  const keys = clientKeys();
  return client.login({
    user,
    password,
    sshPublicKey: keys.ssh.authorizedKey,
    tlsPublicKey: keys.tlsPublicKeyPem,
    ...(otpToken === undefined ? {} : { otpToken }),
  });
}

async function loginEvents(f: AuthFixture, user: string): Promise<Record<string, unknown>[]> {
  return (await f.admin.searchEvents({ types: "user.login", user })).events;
}

describe("second_factor: otp", () => {
  let f: AuthFixture;
  let proxy: AuthClient;
  before(async () => {
    f = await startAuthFixture({
      secondFactor: "otp",
      lockout: { maxAttempts: 3, lockFor: 10 * 60_000 },
    });
    proxy = (await joinHost(f, "proxy", "proxy-1")).client;
  });
  after(() => f.close());

  /** A new user whose invite was completed with a code; returns their TOTP secret. */
  async function enroll(name: string): Promise<string> {
    const invite = await f.admin.addUser({ name, roles: ["access"], logins: [name] });
    const { otpSecret } = await proxy.getInvite(invite.inviteToken);
    assert.ok(otpSecret !== undefined);
    await proxy.completeInvite(invite.inviteToken, PASSWORD, codeNow(f, otpSecret));
    f.clock.offset += STEP_MS;
    return otpSecret;
  }

  it("tells every authenticated caller, and only them, that logins need a code", async () => {
    assert.deepEqual(await f.admin.authPreference(), { secondFactor: "otp" });
    assert.deepEqual(await proxy.authPreference(), { secondFactor: "otp" });
    await f.admin.addUser({ name: "viewer", roles: ["auditor"] });
    assert.deepEqual(await (await userClient(f, "viewer")).authPreference(), {
      secondFactor: "otp",
    });
    assert.equal((await apiError(() => f.client().authPreference())).status, 401);
  });

  it("gives an invite a TOTP secret on its first read, and the same one after", async () => {
    const invite = await f.admin.addUser({ name: "alice", roles: ["access"], logins: ["alice"] });
    const first = await proxy.getInvite(invite.inviteToken);
    assert.equal(first.user, "alice");
    assert.equal(first.kind, "signup");
    assert.equal(first.expires.getTime(), invite.expires.getTime());
    assert.equal(first.otpRequired, true);
    assert.match(first.otpSecret ?? "", /^[A-Z2-7]{32}$/);
    assert.equal(
      first.otpUri,
      `otpauth://totp/test.example.com:alice?secret=${first.otpSecret}&issuer=test.example.com`,
    );
    assert.deepEqual(await f.admin.getInvite(invite.inviteToken), first);
    // The invitee only reaches it through the proxy: a user identity may not read invites.
    const viewer = await userClient(f, "viewer");
    assert.equal((await apiError(() => viewer.getInvite(invite.inviteToken))).status, 403);
    assert.equal((await apiError(() => proxy.getInvite("0".repeat(64)))).code, "invite_not_found");
  });

  it("completes an invite only with a valid code, without using it up on a refusal", async () => {
    const invite = await f.admin.resetUser("alice");
    const missing = await apiError(() => proxy.completeInvite(invite.inviteToken, PASSWORD));
    assert.equal(missing.status, 401);
    assert.equal(missing.code, "otp_required");
    assert.match(missing.message, /requires a one-time password/);
    // Never opened, so there is no secret yet to have a code for.
    const unread = await apiError(() =>
      proxy.completeInvite(invite.inviteToken, PASSWORD, "123456"),
    );
    assert.equal(unread.status, 400);
    assert.equal(unread.code, "otp_secret_missing");

    const { otpSecret = "" } = await proxy.getInvite(invite.inviteToken);
    const wrong = await apiError(() =>
      proxy.completeInvite(invite.inviteToken, PASSWORD, wrongCode(f, otpSecret)),
    );
    assert.equal(wrong.status, 401);
    assert.equal(wrong.code, "invalid_otp");
    const malformed = await apiError(() =>
      proxy.completeInvite(invite.inviteToken, PASSWORD, "12345"),
    );
    assert.equal(malformed.status, 400);

    const code = codeNow(f, otpSecret);
    const user = await proxy.completeInvite(invite.inviteToken, PASSWORD, code);
    assert.equal(user.name, "alice");
    // The code typed to enroll does not also open a login.
    const reused = await apiError(() => login(proxy, "alice", PASSWORD, code));
    assert.equal(reused.status, 401);
    assert.equal(reused.message, WRONG_OTP);
  });

  it("refuses a login without a code, and accepts the password with a current code", async () => {
    const secret = await enroll("bob");
    const missing = await apiError(() => login(proxy, "bob", PASSWORD));
    assert.equal(missing.status, 401);
    assert.equal(missing.code, "otp_required");
    assert.equal(missing.message, OTP_REQUIRED);
    // Said the same for anyone, so it tells nothing about who exists.
    assert.equal((await apiError(() => login(proxy, "nobody", PASSWORD))).message, OTP_REQUIRED);

    const certs = await login(proxy, "bob", PASSWORD, codeNow(f, secret));
    assert.equal(certs.user, "bob");
    assert.deepEqual(certs.logins, ["bob"]);
    const events = await loginEvents(f, "bob");
    assert.deepEqual(
      events.map((event) => [event["success"], event["error"]]),
      [
        [false, OTP_REQUIRED],
        [true, undefined],
      ],
    );
  });

  it("accepts each code once", async () => {
    const secret = await enroll("carol");
    const code = codeNow(f, secret);
    await login(proxy, "carol", PASSWORD, code);
    const replayed = await apiError(() => login(proxy, "carol", PASSWORD, code));
    assert.equal(replayed.status, 401);
    assert.equal(replayed.message, WRONG_OTP);
    // Nor an earlier step's code, still inside the skew window, once a later one was used.
    f.clock.offset += STEP_MS;
    const next = codeNow(f, secret);
    await login(proxy, "carol", PASSWORD, next);
    assert.equal((await apiError(() => login(proxy, "carol", PASSWORD, code))).status, 401);
  });

  it("counts wrong codes like wrong passwords: failure events, then a lock", async () => {
    const secret = await enroll("dave");
    for (let i = 0; i < 2; i++) {
      const wrong = await apiError(() => login(proxy, "dave", PASSWORD, wrongCode(f, secret)));
      assert.equal(wrong.status, 401);
      assert.equal(wrong.code, "invalid_credentials");
      assert.equal(wrong.message, WRONG_OTP);
    }
    // A wrong password with the right code reads the same: neither half is confirmed alone.
    const wrongPassword = await apiError(() =>
      login(proxy, "dave", "not the password", codeNow(f, secret)),
    );
    assert.equal(wrongPassword.status, 429);
    assert.match(wrongPassword.message, /^user locked until /);
    assert.equal(
      (await apiError(() => login(proxy, "dave", PASSWORD, codeNow(f, secret)))).status,
      429,
    );

    const events = await loginEvents(f, "dave");
    assert.equal(events.length, 4);
    assert.ok(events.every((event) => event["success"] === false && event["method"] === "local"));
    assert.equal(events[0]?.["error"], WRONG_OTP);
    // Neither the secret nor any code is written to the audit log or the server's log.
    const logged = JSON.stringify(events) + f.log();
    assert.ok(!logged.includes(secret));
  });

  it("enrolls a new secret on reset; the old one stops working", async () => {
    const old = await enroll("erin");
    const invite = await f.admin.resetUser("erin");
    const { otpSecret = "" } = await proxy.getInvite(invite.inviteToken);
    assert.notEqual(otpSecret, old);
    await proxy.completeInvite(invite.inviteToken, PASSWORD, codeNow(f, otpSecret));
    f.clock.offset += STEP_MS;
    const stale = await apiError(() => login(proxy, "erin", PASSWORD, codeNow(f, old)));
    assert.equal(stale.status, 401);
    assert.equal((await login(proxy, "erin", PASSWORD, codeNow(f, otpSecret))).user, "erin");
  });
});

describe("second_factor: optional", () => {
  let f: AuthFixture;
  before(async () => {
    f = await startAuthFixture({ secondFactor: "optional" });
  });
  after(() => f.close());

  it("offers a secret without requiring it, and asks codes only of users who enrolled", async () => {
    assert.deepEqual(await f.admin.authPreference(), { secondFactor: "optional" });

    const plain = await f.admin.addUser({ name: "pat", roles: ["access"], logins: ["pat"] });
    const offered = await f.admin.getInvite(plain.inviteToken);
    assert.equal(offered.otpRequired, false);
    assert.match(offered.otpSecret ?? "", /^[A-Z2-7]{32}$/);
    await f.admin.completeInvite(plain.inviteToken, PASSWORD);
    assert.equal((await login(f.admin, "pat", PASSWORD)).user, "pat");

    const invite = await f.admin.addUser({ name: "quinn", roles: ["access"], logins: ["quinn"] });
    const { otpSecret = "" } = await f.admin.getInvite(invite.inviteToken);
    await f.admin.completeInvite(invite.inviteToken, PASSWORD, codeNow(f, otpSecret));
    f.clock.offset += STEP_MS;
    const missing = await apiError(() => login(f.admin, "quinn", PASSWORD));
    assert.equal(missing.status, 401);
    assert.equal(missing.code, "otp_required");
    const wrong = await apiError(() => login(f.admin, "quinn", PASSWORD, wrongCode(f, otpSecret)));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.message, WRONG_OTP);
    assert.equal((await login(f.admin, "quinn", PASSWORD, codeNow(f, otpSecret))).user, "quinn");
  });
});

describe("second_factor: off", () => {
  let f: AuthFixture;
  before(async () => {
    f = await startAuthFixture();
  });
  after(() => f.close());

  it("makes no secret, and ignores a code sent with a login", async () => {
    assert.deepEqual(await f.admin.authPreference(), { secondFactor: "off" });
    const invite = await f.admin.addUser({ name: "sam", roles: ["access"], logins: ["sam"] });
    const info = await f.admin.getInvite(invite.inviteToken);
    assert.deepEqual(
      { otpRequired: info.otpRequired, otpSecret: info.otpSecret, otpUri: info.otpUri },
      { otpRequired: false, otpSecret: undefined, otpUri: undefined },
    );
    await f.admin.completeInvite(invite.inviteToken, PASSWORD, "123456");
    assert.equal((await login(f.admin, "sam", PASSWORD, "123456")).user, "sam");
    assert.equal((await login(f.admin, "sam", PASSWORD)).user, "sam");
  });
});

describe("teleport.yaml's second factor", () => {
  it("reaches the auth server", () => {
    const config = parseConfig(
      "version: v3\nauth_service:\n  authentication:\n    type: local\n    second_factor: otp\n",
      "teleport.yaml",
    );
    const logger = createLogger({ output: "stderr", severity: "ERROR", format: "json" });
    assert.equal(authServerOptions(config, logger).secondFactor, "otp");
  });
});
