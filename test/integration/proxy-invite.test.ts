// The links `tctl users add` and `tctl users reset` print, end to end through the proxy: the API
// the web UI's invite page calls to read the invite and set the password (enrolling an
// authenticator app when the cluster asks for one). The page itself is the web UI's
// (/web/invite/TOKEN serves its index.html: proxy-ui-api.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { base32Decode } from "../../src/auth/users/base32.js";
import { hotp, totpCounter } from "../../src/auth/users/totp.js";
import { httpsCall, type HttpsAnswer } from "../helpers/https.js";
import { errorMessageOf } from "../helpers/web-api.js";
import { clientKeys } from "./auth-fixture.js";
import { startClusterFixture, type ClusterFixture } from "./cluster-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

const PASSWORD = "correct horse battery staple";
const HOUR_MS = 60 * 60 * 1000;
const STEP_MS = 30_000;
const NOT_FOUND =
  "invite not found: it was already used, or the link is incomplete; ask an admin for a new " +
  "one (tctl users reset NAME)";

type Answer = HttpsAnswer;

/** An HTTPS request to the proxy's web port as a browser's fetch makes it (no cookie). */
function call(
  f: ClusterFixture,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; contentType?: string } = {},
): Promise<Answer> {
  return httpsCall(f.webPort, method, path, options);
}

const readInvite = (f: ClusterFixture, token: string) =>
  call(f, "GET", `/webapi/users/invites/${token}`);

const complete = (f: ClusterFixture, body: Record<string, string>) =>
  call(f, "POST", "/webapi/users/invites/complete", { body });

/** A tsh login (POST /webapi/ssh/certs) with the password, and a code when given. */
function tshLogin(f: ClusterFixture, user: string, password: string, otp?: string) {
  const keys = clientKeys();
  return call(f, "POST", "/webapi/ssh/certs", {
    body: {
      user,
      password,
      ssh_public_key: keys.ssh.authorizedKey,
      tls_public_key: keys.tlsPublicKeyPem,
      ...(otp === undefined ? {} : { otp_token: otp }),
    },
  });
}

async function invite(f: ClusterFixture, name: string): Promise<string> {
  const added = await f.auth.admin.addUser({ name, roles: ["access"], logins: ["root"] });
  return added.inviteToken;
}

describe("invite links through the proxy", { skip }, () => {
  let f: ClusterFixture;
  before(async () => {
    f = await startClusterFixture();
  });
  after(() => f?.close());

  it("reads an invite, sets its password once, and that password logs in", async () => {
    const added = await f.auth.admin.addUser({ name: "bob", roles: ["access"], logins: ["root"] });
    const read = await readInvite(f, added.inviteToken);
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json, {
      user: "bob",
      kind: "signup",
      expires: added.expires.toISOString(),
      otp_required: false,
    });
    assert.equal(read.headers["cache-control"], "no-store");

    const unset = await tshLogin(f, "bob", PASSWORD);
    assert.equal(unset.status, 401, "no password is set yet");
    const done = await complete(f, { token: added.inviteToken, password: PASSWORD });
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.json, { user: "bob" });
    const login = await tshLogin(f, "bob", PASSWORD);
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json["user"], "bob");

    // The link works once.
    const again = await complete(f, { token: added.inviteToken, password: "another password 1" });
    assert.equal(again.status, 404);
    assert.equal(errorMessageOf(again), NOT_FOUND);
    assert.equal((await readInvite(f, added.inviteToken)).status, 404);
  });

  it("reads a reset link as a reset, and the new password replaces the old", async () => {
    await f.addPasswordUser("rita", { roles: ["access"], logins: ["root"], password: PASSWORD });
    const reset = await f.auth.admin.resetUser("rita");
    const read = await readInvite(f, reset.inviteToken);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json["kind"], "reset");
    assert.equal(read.json["user"], "rita");
    const done = await complete(f, { token: reset.inviteToken, password: "a brand new secret" });
    assert.equal(done.status, 200, done.text);
    assert.equal((await tshLogin(f, "rita", "a brand new secret")).status, 200);
    assert.equal((await tshLogin(f, "rita", PASSWORD)).status, 401);
  });

  it("says an unknown link is not found", async () => {
    const unknown = "0".repeat(64);
    const read = await readInvite(f, unknown);
    assert.equal(read.status, 404);
    assert.equal(errorMessageOf(read), NOT_FOUND);
    const done = await complete(f, { token: unknown, password: PASSWORD });
    assert.equal(done.status, 404);
    assert.equal(errorMessageOf(done), NOT_FOUND);
  });

  it("says an expired link has expired and who can renew it", async () => {
    const token = await invite(f, "carol");
    f.auth.clock.offset += HOUR_MS + 1000;
    try {
      const expired = "invite expired: ask an admin to run tctl users reset carol";
      const read = await readInvite(f, token);
      assert.equal(read.status, 410);
      assert.equal(errorMessageOf(read), expired);
      const done = await complete(f, { token, password: PASSWORD });
      assert.equal(done.status, 410);
      assert.equal(errorMessageOf(done), expired);
    } finally {
      f.auth.clock.offset -= HOUR_MS + 1000;
    }
  });

  it("passes on auth's password policy, and the invite still works after", async () => {
    const token = await invite(f, "dave");
    const short = await complete(f, { token, password: "short pw" });
    assert.equal(short.status, 400);
    assert.equal(
      errorMessageOf(short),
      "the password is too short: use at least 12 characters (it has 8)",
    );
    const done = await complete(f, { token, password: PASSWORD });
    assert.equal(done.status, 200, done.text);
  });

  it("refuses a completion that is not JSON or lacks the password", async () => {
    const token = await invite(f, "erin");
    const form = await call(f, "POST", "/webapi/users/invites/complete", {
      raw: `token=${token}&password=x`,
      contentType: "application/x-www-form-urlencoded",
    });
    assert.equal(form.status, 415);
    assert.equal(
      errorMessageOf(form),
      "send the request body as JSON (Content-Type: application/json)",
    );
    const missing = await complete(f, { token });
    assert.equal(missing.status, 400);
    assert.match(errorMessageOf(missing), /field "password": expected the password/);
    // Neither used the invite up.
    assert.equal((await readInvite(f, token)).status, 200);
  });
});

describe("invite links through the proxy, with second_factor: otp", { skip }, () => {
  let f: ClusterFixture;
  before(async () => {
    f = await startClusterFixture({ auth: { secondFactor: "otp" } });
  });
  after(() => f?.close());

  /** The code an authenticator app with `secret` shows at auth's time, `steps` later. */
  function code(secret: string, steps = 0): string {
    const at = new Date(f.auth.clock.now().getTime() + steps * STEP_MS);
    return hotp(base32Decode(secret) ?? Buffer.alloc(0), totpCounter(at));
  }

  /** A code that is none of those auth accepts now (one step of skew either way). */
  function wrongCode(secret: string): string {
    const near = new Set([-2, -1, 0, 1, 2].map((steps) => code(secret, steps)));
    const wrong = ["000000", "111111", "222222", "333333"].find((c) => !near.has(c));
    assert.ok(wrong !== undefined);
    return wrong;
  }

  it("shows the secret to enroll, and the same one on every read", async () => {
    const token = await invite(f, "olga");
    const first = await readInvite(f, token);
    assert.equal(first.status, 200, first.text);
    const secret = String(first.json["otp_secret"]);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.deepEqual(first.json, {
      user: "olga",
      kind: "signup",
      expires: first.json["expires"],
      otp_required: true,
      otp_secret: secret,
      otp_uri: `otpauth://totp/${f.auth.clusterName}:olga?secret=${secret}&issuer=${f.auth.clusterName}`,
    });
    assert.deepEqual((await readInvite(f, token)).json, first.json);
  });

  it("sets the password only with a right code, and logins then need the app", async () => {
    const token = await invite(f, "oscar");
    const secret = String((await readInvite(f, token)).json["otp_secret"]);

    const without = await complete(f, { token, password: PASSWORD });
    assert.equal(without.status, 401);
    assert.equal(
      errorMessageOf(without),
      "this cluster requires a one-time password (second_factor: otp): add the invite's " +
        "secret to your authenticator app, then enter the code it shows",
    );
    const wrong = await complete(f, { token, password: PASSWORD, otp_token: wrongCode(secret) });
    assert.equal(wrong.status, 401);
    assert.equal(
      errorMessageOf(wrong),
      "invalid one-time password: enter the current code your authenticator app shows for " +
        "this invite's secret (the device's clock must be right)",
    );
    const malformed = await complete(f, { token, password: PASSWORD, otp_token: "12345" });
    assert.equal(malformed.status, 400);
    assert.match(errorMessageOf(malformed), /field "otp_token"/);

    const done = await complete(f, { token, password: PASSWORD, otp_token: code(secret) });
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.json, { user: "oscar" });

    // The enrolled app's next code logs in; the password alone does not.
    f.auth.clock.offset += STEP_MS;
    assert.equal((await tshLogin(f, "oscar", PASSWORD)).status, 401);
    const login = await tshLogin(f, "oscar", PASSWORD, code(secret));
    assert.equal(login.status, 200, login.text);
  });
});
