// Secrets must not leak into audit events, error messages or backend keys: run every flow that
// handles one, collect what comes out, and grep it for each secret.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { RoleService } from "../../src/auth/roles/index.js";
import { TokenService, formatNodesAdd } from "../../src/auth/tokens/index.js";
import { UserService, type UserLoginEvent } from "../../src/auth/users/index.js";
import { ManualClock, MemoryBackend } from "../helpers/memory-backend.js";

const MINUTE = 60_000;
const PASSWORD = "s3cret-Passw0rd-alice";
const WRONG = "wr0ng-Guess-by-mallory";
const SHORT = "Sh0rtPw";
const STATIC = "static-Tok3n-from-yaml";
const CHOSEN = "chosen-Tok3n-value";

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

describe("secrets stay out of events, errors and keys", () => {
  it("users: passwords, hashes and invite tokens", async () => {
    const clock = new ManualClock();
    const backend = new MemoryBackend({ now: clock.now });
    const events: UserLoginEvent[] = [];
    const roles = new RoleService(backend);
    await roles.ensurePresets();
    const users = new UserService(backend, {
      clusterName: "c",
      events: (e) => events.push(e),
      now: clock.now,
      roles,
    });
    const errors: unknown[] = [];
    const results: unknown[] = [];

    const first = await users.add({ name: "alice", roles: ["access"] });
    errors.push(await caught(users.completeInvite(first.inviteToken, SHORT)));
    await users.completeInvite(first.inviteToken, PASSWORD);
    errors.push(await caught(users.completeInvite(first.inviteToken, PASSWORD)));
    for (let i = 0; i < 7; i++) results.push(await users.checkPassword("alice", WRONG));
    results.push(await users.checkPassword("alice", PASSWORD));
    results.push(await users.checkPassword("mallory", PASSWORD));
    const second = await users.reset("alice");
    clock.advance(2 * 60 * MINUTE);
    errors.push(await caught(users.completeInvite(second.inviteToken, PASSWORD)));
    errors.push(await caught(users.add({ name: "alice", roles: ["access"] })));
    errors.push(await caught(users.completeInvite(`${first.inviteToken.slice(1)}0`, PASSWORD)));

    const hashes = backend.writes
      .filter((w) => w.key.startsWith("/passwords/"))
      .map((w) => (JSON.parse(w.value) as { hash: string }).hash);
    assert.equal(hashes.length, 1);
    const hashParts = (hashes[0] ?? "").split("$").slice(4);
    const secrets = [
      PASSWORD,
      WRONG,
      SHORT,
      first.inviteToken,
      second.inviteToken,
      ...hashes,
      ...hashParts,
    ];

    for (const r of results) {
      if (typeof r === "object" && r !== null && "error" in r) errors.push(r.error);
    }
    const out = [JSON.stringify(events), ...errors.map((e) => inspect(e, { depth: 5 }))].join("\n");
    assert.ok(events.length >= 9);
    assert.ok(errors.length >= 10);
    for (const secret of secrets)
      assert.ok(!out.includes(secret), `leaked: ${secret.slice(0, 6)}…`);

    // The backend never holds an invite token nor a password, only their hashes.
    const stored = backend.writes.map((w) => `${w.key}\n${w.value}`).join("\n");
    for (const secret of [PASSWORD, WRONG, first.inviteToken, second.inviteToken]) {
      assert.ok(!stored.includes(secret), `stored: ${secret.slice(0, 6)}…`);
    }
  });

  it("tokens: join tokens appear only in the tctl output meant to show them", async () => {
    const clock = new ManualClock();
    const backend = new MemoryBackend({ now: clock.now });
    const tokens = new TokenService(backend, {
      now: clock.now,
      staticTokens: [{ roles: ["proxy"], token: STATIC }],
    });
    const errors: unknown[] = [];
    const random = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    const chosen = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE, token: CHOSEN });
    errors.push(await caught(tokens.add({ roles: ["node"], ttl: MINUTE, token: CHOSEN })));
    errors.push(await caught(tokens.add({ roles: ["node"], ttl: MINUTE, token: STATIC })));
    errors.push(await caught(tokens.validate(random.token, "proxy")));
    errors.push(await caught(tokens.validate(STATIC, "node")));
    errors.push(await caught(tokens.remove(STATIC)));
    await tokens.remove(chosen.token);
    errors.push(await caught(tokens.validate(chosen.token, "node")));
    errors.push(await caught(tokens.remove(chosen.token)));
    await tokens.consume(random.token, "node");
    errors.push(await caught(tokens.consume(random.token, "node")));
    errors.push(await caught(tokens.validate(`${random.token}x`, "node")));
    errors.push(
      await caught(tokens.add({ roles: ["node"], ttl: MINUTE, token: "bad token value" })),
    );
    const late = await tokens.add({ roles: ["node"], ttl: MINUTE });
    clock.advance(MINUTE);
    errors.push(await caught(tokens.validate(late.token, "node")));

    const out = errors.map((e) => inspect(e, { depth: 5 })).join("\n");
    for (const secret of [random.token, CHOSEN, STATIC, late.token, "bad token value"]) {
      assert.ok(!out.includes(secret), `leaked: ${secret.slice(0, 6)}…`);
    }
    // Keys hold a SHA-256 of the token, never the token.
    const keys = backend.writes.map((w) => w.key).join("\n");
    for (const secret of [random.token, CHOSEN, late.token]) assert.ok(!keys.includes(secret));
    // Revoked and used tokens keep no copy of the value.
    const retired = (await backend.getRange("/tokens/")).filter(
      (i) => !i.value.includes('"active"'),
    );
    assert.equal(retired.length, 2);
    for (const item of retired)
      assert.ok(!item.value.includes(CHOSEN) && !item.value.includes(random.token));

    const shown = formatNodesAdd({ ...random, caPin: "sha256:00", authAddr: "auth:3025" });
    assert.ok(shown.includes(random.token));
  });
});
