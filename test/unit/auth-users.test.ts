import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAuditEvent } from "../../src/events/index.js";
import { RoleService } from "../../src/auth/roles/index.js";
import {
  InvalidCredentialsError,
  InviteExpiredError,
  InviteNotFoundError,
  PasswordPolicyError,
  UserExistsError,
  UserLockedError,
  UserNotFoundError,
  UserService,
  formatInvite,
  type LoginResult,
  type UserLoginEvent,
} from "../../src/auth/users/index.js";
import { ManualClock, MemoryBackend } from "../helpers/memory-backend.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PASSWORD = "correct horse battery staple";

async function setup() {
  const clock = new ManualClock("2024-05-01T12:00:00Z");
  const backend = new MemoryBackend({ now: clock.now });
  const events: UserLoginEvent[] = [];
  const roles = new RoleService(backend);
  const make = () =>
    new UserService(backend, {
      clusterName: "example.com",
      events: (event) => events.push(event),
      now: clock.now,
      lockout: { maxAttempts: 5, lockFor: 30 * MINUTE },
      roles,
    });
  await roles.ensurePresets();
  return { clock, backend, events, roles, users: make(), restart: make };
}

async function withPassword(s: Awaited<ReturnType<typeof setup>>, name = "alice") {
  const invite = await s.users.add({ name, roles: ["access"], logins: ["root", "alice"] });
  await s.users.completeInvite(invite.inviteToken, PASSWORD);
  return invite;
}

function failure(result: LoginResult): Error {
  assert.equal(result.ok, false);
  if (result.ok) throw new Error("unreachable");
  return result.error;
}

describe("UserService: add and invites", () => {
  it("creates a user without a password and a one-hour invite stored by hash", async () => {
    const s = await setup();
    const result = await s.users.add({ name: "alice", roles: ["access"], logins: ["root"] });
    assert.match(result.inviteToken, /^[0-9a-f]{64}$/);
    assert.equal(result.expires.toISOString(), "2024-05-01T13:00:00.000Z");
    assert.equal(result.kind, "signup");
    assert.deepEqual(result.user, {
      name: "alice",
      roles: ["access"],
      traits: { logins: ["root"] },
      created: new Date("2024-05-01T12:00:00Z"),
    });
    const keys = s.backend.rawKeys().filter((key) => !key.startsWith("/roles/"));
    assert.equal(keys.length, 2);
    assert.equal(keys[1], "/users/alice");
    assert.match(keys[0] ?? "", /^\/invites\/[0-9a-f]{64}$/);
    assert.ok(
      !s.backend.writes.some(
        (w) => w.key.includes(result.inviteToken) || w.value.includes(result.inviteToken),
      ),
    );
    // Nobody can log in before the invite is used.
    assert.ok(
      failure(await s.users.checkPassword("alice", PASSWORD)) instanceof InvalidCredentialsError,
    );
  });

  it("prints Teleport's invite message", async () => {
    const s = await setup();
    const result = await s.users.add({ name: "alice", roles: ["access"] });
    assert.equal(
      formatInvite(result, "proxy.example.com:3080"),
      `User "alice" has been created but requires a password. Share this URL with the user to complete user setup, link is valid for 1h:
https://proxy.example.com:3080/web/invite/${result.inviteToken}

NOTE: Make sure proxy.example.com:3080 points at a Teleport proxy which users can access.
`,
    );
    const reset = await s.users.reset("alice");
    assert.equal(
      formatInvite(reset, "https://proxy.example.com:443/"),
      `User "alice" has been reset. Share this URL with the user to complete password reset, link is valid for 1h:
https://proxy.example.com:443/web/reset/${reset.inviteToken}

NOTE: Make sure proxy.example.com:443 points at a Teleport proxy which users can access.
`,
    );
  });

  it("refuses duplicates, unknown roles and bad input", async () => {
    const s = await setup();
    await s.users.add({ name: "alice", roles: ["access"] });
    await assert.rejects(s.users.add({ name: "alice", roles: ["access"] }), {
      name: "UserExistsError",
      message:
        'user "alice" already exists: run tctl users reset alice to give them a new invite, or pick another name',
    });
    await assert.rejects(s.users.add({ name: "alice", roles: ["access"] }), UserExistsError);
    await assert.rejects(s.users.add({ name: "bob", roles: ["acess", "access", "edtor"] }), {
      name: "UnknownRoleError",
      message:
        'roles "acess", "edtor" are not found: tctl get roles lists the roles there are, tctl create -f makes one',
    });
    await assert.rejects(s.users.add({ name: "bob", roles: [] }), {
      name: "UserInputError",
      message: "invalid user: roles: a user needs at least one role, such as --roles=access",
    });
    await assert.rejects(s.users.add({ name: "../bob", roles: ["access"] }), {
      message:
        'invalid user: name: expected a user name of letters, digits and . _ @ + = - (not starting with a sign), got "../bob"',
    });
    await assert.rejects(
      s.users.add({ name: "bob", roles: ["access"], logins: ["-oProxyCommand"] }),
      {
        message:
          'invalid user: logins.0: expected a Unix login of letters, digits and . _ - (not starting with "-"), got "-oProxyCommand"',
      },
    );
    assert.equal(await s.users.get("bob"), undefined, "nothing half-made is left");
  });

  it("sets the password once; the invite is single-use", async () => {
    const s = await setup();
    const { inviteToken } = await s.users.add({ name: "alice", roles: ["access"] });
    const user = await s.users.completeInvite(inviteToken, PASSWORD);
    assert.equal(user.name, "alice");
    await assert.rejects(s.users.completeInvite(inviteToken, PASSWORD), {
      name: "InviteNotFoundError",
      message:
        "invite not found: it was already used, or the link is incomplete; ask an admin for a new one (tctl users reset NAME)",
    });
    const stored = s.backend.writes.find((w) => w.key === "/passwords/alice")?.value ?? "";
    assert.match(
      JSON.parse(stored).hash,
      /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/,
      "scrypt N=2^15 r=8 p=1, 16-byte salt, 64-byte key",
    );
    assert.equal((await s.users.checkPassword("alice", PASSWORD)).ok, true);
  });

  it("lets only one of two simultaneous completions win", async () => {
    const s = await setup();
    const { inviteToken } = await s.users.add({ name: "alice", roles: ["access"] });
    const results = await Promise.allSettled([
      s.users.completeInvite(inviteToken, PASSWORD),
      s.users.completeInvite(inviteToken, `${PASSWORD} 2`),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
  });

  it("refuses short passwords without using the invite up", async () => {
    const s = await setup();
    const { inviteToken } = await s.users.add({ name: "alice", roles: ["access"] });
    await assert.rejects(s.users.completeInvite(inviteToken, "short-pw"), {
      name: "PasswordPolicyError",
      message: "the password is too short: use at least 12 characters (it has 8)",
    });
    await assert.rejects(s.users.completeInvite(inviteToken, "x".repeat(129)), {
      message: "the password is too long: use at most 128 characters",
    });
    await assert.rejects(s.users.completeInvite(inviteToken, "ééééééééééé"), PasswordPolicyError);
    await s.users.completeInvite(inviteToken, "twelve chars");
  });

  it("refuses an invite at exactly one hour, telling the admin what to run", async () => {
    const s = await setup();
    const { inviteToken } = await s.users.add({ name: "alice", roles: ["access"] });
    s.clock.advance(HOUR - 1);
    const second = await s.users.add({ name: "bob", roles: ["access"] });
    s.clock.advance(1);
    await assert.rejects(s.users.completeInvite(inviteToken, PASSWORD), {
      name: "InviteExpiredError",
      message: "invite expired: ask an admin to run tctl users reset alice",
    });
    await assert.rejects(s.users.completeInvite(inviteToken, PASSWORD), InviteExpiredError);
    await s.users.completeInvite(second.inviteToken, PASSWORD);
    // After the grace day the backend has dropped it: just unknown.
    s.clock.advance(25 * HOUR);
    await assert.rejects(s.users.completeInvite(inviteToken, PASSWORD), InviteNotFoundError);
  });

  it("refuses malformed invite tokens as unknown", async () => {
    const s = await setup();
    for (const token of ["", "zz", "A".repeat(64)]) {
      await assert.rejects(s.users.completeInvite(token, PASSWORD), InviteNotFoundError);
    }
  });
});

describe("UserService: reset, remove, list", () => {
  it("reset clears the password, unlocks, and voids older invites", async () => {
    const s = await setup();
    const first = await withPassword(s);
    const extra = await s.users.reset("alice");
    const reset = await s.users.reset("alice");
    assert.equal(reset.kind, "reset");
    assert.ok(
      failure(await s.users.checkPassword("alice", PASSWORD)) instanceof InvalidCredentialsError,
    );
    await assert.rejects(s.users.completeInvite(first.inviteToken, PASSWORD), InviteNotFoundError);
    await assert.rejects(s.users.completeInvite(extra.inviteToken, PASSWORD), InviteNotFoundError);
    await s.users.completeInvite(reset.inviteToken, "a new password!");
    assert.equal((await s.users.checkPassword("alice", "a new password!")).ok, true);
    await assert.rejects(s.users.reset("nobody"), {
      name: "UserNotFoundError",
      message: 'user "nobody" is not found: tctl users ls lists the users',
    });
  });

  it("remove deletes the user and everything kept for them", async () => {
    const s = await setup();
    await withPassword(s);
    await s.users.checkPassword("alice", "wrong password!");
    const pending = await s.users.reset("alice");
    await s.users.remove("alice");
    assert.deepEqual(
      s.backend.rawKeys().filter((key) => !key.startsWith("/roles/")),
      [],
    );
    await assert.rejects(
      s.users.completeInvite(pending.inviteToken, PASSWORD),
      InviteNotFoundError,
    );
    await assert.rejects(s.users.remove("alice"), UserNotFoundError);
  });

  it("lists users sorted by name, without secrets", async () => {
    const s = await setup();
    await s.users.add({ name: "zed", roles: ["auditor"] });
    await withPassword(s, "alice");
    const listed = await s.users.list();
    assert.deepEqual(
      listed.map((u) => [u.name, u.roles, u.traits]),
      [
        ["alice", ["access"], { logins: ["root", "alice"] }],
        ["zed", ["auditor"], { logins: [] }],
      ],
    );
    assert.ok(!JSON.stringify(listed).includes("scrypt"));
    assert.equal((await s.users.get("zed"))?.name, "zed");
    assert.equal(await s.users.get("nobody"), undefined);
  });
});

describe("UserService: checkPassword", () => {
  it("emits user.login for success and failure, in Teleport's shape", async () => {
    const s = await setup();
    await withPassword(s);
    await s.users.checkPassword("alice", PASSWORD, { remoteAddr: "10.0.0.5:51234" });
    await s.users.checkPassword("alice", "wrong password!");
    await s.users.checkPassword("mallory", "wrong password!");
    assert.equal(s.events.length, 3);
    for (const event of s.events) parseAuditEvent(event);
    const shape = s.events.map(({ uid: _uid, ...rest }) => rest);
    assert.deepEqual(shape, [
      {
        event: "user.login",
        code: "T1000I",
        time: "2024-05-01T12:00:00Z",
        cluster_name: "example.com",
        user: "alice",
        method: "local",
        success: true,
        "addr.remote": "10.0.0.5:51234",
      },
      {
        event: "user.login",
        code: "T1000W",
        time: "2024-05-01T12:00:00Z",
        cluster_name: "example.com",
        user: "alice",
        method: "local",
        success: false,
        error: "invalid username or password",
      },
      {
        event: "user.login",
        code: "T1000W",
        time: "2024-05-01T12:00:00Z",
        cluster_name: "example.com",
        user: "mallory",
        method: "local",
        success: false,
        error: "invalid username or password",
      },
    ]);
  });

  it("fails unknown users and wrong passwords alike", async () => {
    const s = await setup();
    await withPassword(s);
    const unknown = failure(await s.users.checkPassword("mallory", PASSWORD));
    const wrong = failure(await s.users.checkPassword("alice", "not the password"));
    assert.equal(unknown.message, wrong.message);
    assert.equal(unknown.name, wrong.name);
  });

  it("locks after 5 failures, refuses even the right password, then unlocks", async () => {
    const s = await setup();
    await withPassword(s);
    for (let i = 1; i <= 4; i++) {
      s.clock.advance(MINUTE);
      const error = failure(await s.users.checkPassword("alice", `wrong password ${i}`));
      assert.ok(error instanceof InvalidCredentialsError, `attempt ${i}`);
    }
    s.clock.advance(MINUTE); // 12:05
    const fifth = failure(await s.users.checkPassword("alice", "wrong password 5"));
    assert.ok(fifth instanceof UserLockedError);
    assert.equal(
      fifth.message,
      "user locked until 2024-05-01T12:35:00Z: too many failed login attempts; try again then, " +
        "or ask an admin to run tctl users reset alice",
    );

    s.clock.advance(30 * MINUTE - 1);
    const locked = failure(await s.users.checkPassword("alice", PASSWORD));
    assert.ok(locked instanceof UserLockedError);
    assert.ok(locked.message.startsWith("user locked until 2024-05-01T12:35:00Z"));
    assert.equal(s.events.at(-1)?.success, false);
    assert.equal(s.events.at(-1)?.error, locked.message);

    // The lock is in the backend: a restarted auth server still enforces it.
    const restarted = s.restart();
    assert.ok(failure(await restarted.checkPassword("alice", PASSWORD)) instanceof UserLockedError);

    s.clock.advance(1); // 12:35:00.000, the lock's end
    assert.equal((await restarted.checkPassword("alice", PASSWORD)).ok, true);
  });

  it("resets the count on success, and forgets failures older than lockFor", async () => {
    const s = await setup();
    await withPassword(s);
    for (let i = 0; i < 4; i++) await s.users.checkPassword("alice", "wrong password!");
    assert.equal((await s.users.checkPassword("alice", PASSWORD)).ok, true);
    for (let i = 0; i < 4; i++) await s.users.checkPassword("alice", "wrong password!");
    s.clock.advance(30 * MINUTE);
    // Four old failures no longer count: this one is the first of a new run.
    assert.ok(
      failure(await s.users.checkPassword("alice", "wrong")) instanceof InvalidCredentialsError,
    );
    assert.equal((await s.users.checkPassword("alice", PASSWORD)).ok, true);
  });

  it("counts concurrent failures without losing any", async () => {
    const s = await setup();
    await withPassword(s);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => s.users.checkPassword("alice", "wrong password!")),
    );
    assert.ok(results.some((r) => !r.ok && r.error instanceof UserLockedError));
    assert.ok(failure(await s.users.checkPassword("alice", PASSWORD)) instanceof UserLockedError);
  });

  it("never locks unknown users (there is nothing to lock)", async () => {
    const s = await setup();
    for (let i = 0; i < 6; i++) {
      const error = failure(await s.users.checkPassword("ghost", "wrong password!"));
      assert.ok(error instanceof InvalidCredentialsError);
    }
    assert.deepEqual(
      s.backend.rawKeys().filter((key) => !key.startsWith("/roles/")),
      [],
    );
  });
});

describe("UserService: damaged records", () => {
  it("says which record is damaged instead of failing logins in silence", async () => {
    const s = await setup();
    await withPassword(s);
    await s.backend.put("/passwords/alice", JSON.stringify({ hash: "scrypt$1$1$1$AAAA$BBBB" }));
    await assert.rejects(s.users.checkPassword("alice", PASSWORD), {
      name: "StoredUserError",
      message:
        "the stored record /passwords/alice is damaged (hash: not a scrypt hash with sane " +
        "parameters): remove it from the backend, then recreate the user (tctl users add) or " +
        "reset them (tctl users reset)",
    });
  });
});
