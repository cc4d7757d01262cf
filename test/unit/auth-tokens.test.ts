import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  StaticTokenError,
  TokenExistsError,
  TokenExpiredError,
  TokenInputError,
  TokenNotFoundError,
  TokenRemoveError,
  TokenRevokedError,
  TokenRoleError,
  TokenService,
  TokenUsedError,
  formatNodesAdd,
  formatRfc822,
  formatTokensTable,
  tokenKey,
  type JoinToken,
} from "../../src/auth/tokens/index.js";
import { ManualClock, MemoryBackend } from "../helpers/memory-backend.js";

const MINUTE = 60_000;
const STATIC = "static-proxy-token-0123";

function setup(start = "2018-09-25T00:16:00Z") {
  const clock = new ManualClock(start);
  const backend = new MemoryBackend({ now: clock.now });
  const tokens = new TokenService(backend, {
    now: clock.now,
    staticTokens: [{ roles: ["proxy", "node"], token: STATIC }],
  });
  return { clock, backend, tokens };
}

describe("TokenService", () => {
  it("makes a random 16-byte hex token stored under its SHA-256 with a backend TTL", async () => {
    const { backend, tokens } = setup();
    const added = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    assert.match(added.token, /^[0-9a-f]{32}$/);
    assert.deepEqual(added.roles, ["node"]);
    assert.equal(added.expires.toISOString(), "2018-09-25T00:21:00.000Z");
    assert.equal(added.ttl, 5 * MINUTE);
    const keys = backend.rawKeys();
    assert.deepEqual(keys, [tokenKey(added.token)]);
    assert.match(keys[0] ?? "", /^\/tokens\/[0-9a-f]{64}$/);
    assert.ok(!keys[0]?.includes(added.token), "the key does not hold the token");
    // The backend keeps it a grace day after expiry, to tell "expired" from "unknown".
    assert.equal(backend.rawExpiry(keys[0] ?? "")?.toISOString(), "2018-09-26T00:21:00.000Z");
  });

  it("validates until just before the TTL and refuses at exactly the TTL", async () => {
    const { clock, tokens } = setup();
    const { token } = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    clock.advance(5 * MINUTE - 1);
    assert.equal((await tokens.validate(token, "node")).token, token);
    clock.advance(1);
    await assert.rejects(tokens.validate(token, "node"), {
      name: "TokenExpiredError",
      message: "the join token has expired: make a new one with tctl nodes add",
    });
    await assert.rejects(tokens.validate(token, "node"), TokenExpiredError);
    assert.deepEqual(
      (await tokens.list()).map((t) => t.token),
      [STATIC],
      "expired tokens are not listed",
    );
    // Once the backend has dropped it too, the token is simply unknown.
    clock.advance(25 * 60 * MINUTE);
    await assert.rejects(tokens.validate(token, "node"), TokenNotFoundError);
  });

  it("refuses the wrong role, naming what the token allows", async () => {
    const { tokens } = setup();
    const { token } = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    await assert.rejects(tokens.validate(token, "proxy"), {
      name: "TokenRoleError",
      message: "token is not valid for role proxy: it allows node",
    });
    await assert.rejects(tokens.validate(token, "proxy"), TokenRoleError);
    await assert.rejects(tokens.validate(token, "nod"), {
      name: "TokenInputError",
      message:
        'invalid token request: unknown role "nod": expected one of auth, node, proxy, kube, ' +
        "app, db, windowsdesktop, discovery, trusted_cluster",
    });
  });

  it("refuses unknown tokens without repeating them", async () => {
    const { tokens } = setup();
    await assert.rejects(tokens.validate("no-such-token-value", "node"), {
      name: "TokenNotFoundError",
      message:
        "the join token is not known to this cluster: check that it was copied whole, or make " +
        "a new one with tctl nodes add",
    });
    await assert.rejects(tokens.validate("", "node"), TokenNotFoundError);
  });

  it("revokes tokens with remove, and says so when one is used afterwards", async () => {
    const { tokens } = setup();
    const { token } = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    await tokens.remove(token);
    await assert.rejects(tokens.validate(token, "node"), {
      name: "TokenRevokedError",
      message: "the join token was revoked with tctl tokens rm: make a new one with tctl nodes add",
    });
    await assert.rejects(tokens.validate(token, "node"), TokenRevokedError);
    assert.deepEqual(
      (await tokens.list()).map((t) => t.token),
      [STATIC],
    );
    await assert.rejects(tokens.remove(token), {
      name: "TokenRemoveError",
      message:
        "token not found: it may have expired or been removed already; tctl tokens ls lists " +
        "the tokens in use",
    });
    await assert.rejects(tokens.remove("never-existed-token"), TokenRemoveError);
  });

  it("does not remove expired tokens, which are already gone", async () => {
    const { clock, tokens } = setup();
    const { token } = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    clock.advance(5 * MINUTE);
    await assert.rejects(tokens.remove(token), TokenRemoveError);
  });

  it("lets a token join many times until it expires, and consume() only once", async () => {
    const { tokens } = setup();
    const { token } = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    await tokens.validate(token, "node");
    await tokens.validate(token, "node");
    await tokens.consume(token, "node");
    await assert.rejects(tokens.consume(token, "node"), {
      name: "TokenUsedError",
      message: "the join token was already used: make a new one with tctl nodes add",
    });
    await assert.rejects(tokens.validate(token, "node"), TokenUsedError);
  });

  it("lets only one of two simultaneous consume() calls win", async () => {
    const { tokens } = setup();
    const { token } = await tokens.add({ roles: ["node"], ttl: 5 * MINUTE });
    const results = await Promise.allSettled([
      tokens.consume(token, "node"),
      tokens.consume(token, "node"),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected"],
    );
  });

  it("accepts a chosen token, once, with labels and several roles", async () => {
    const { tokens } = setup();
    const token = "abcd123-insecure-do-not-use-this";
    const added = await tokens.add({
      roles: ["Node", "proxy", "node"],
      ttl: MINUTE,
      token,
      labels: { env: "dev" },
    });
    assert.deepEqual(added.roles, ["node", "proxy"], "case-insensitive, without repeats");
    assert.deepEqual(added.labels, { env: "dev" });
    await assert.rejects(tokens.add({ roles: ["node"], ttl: MINUTE, token }), {
      name: "TokenExistsError",
      message:
        "a token with this value already exists: choose another value, or leave --token out " +
        "to get a random one",
    });
    await assert.rejects(
      tokens.add({ roles: ["node"], ttl: MINUTE, token: STATIC }),
      TokenExistsError,
    );
  });

  it("checks add() requests field by field", async () => {
    const { tokens } = setup();
    const cases: [unknown, string][] = [
      [
        { roles: [], ttl: MINUTE },
        "roles: expected at least one role, from: auth, node, proxy, kube, app, db, windowsdesktop, discovery, trusted_cluster",
      ],
      [{ roles: ["node"], ttl: 10 }, "ttl: a token must live at least 1 second"],
      [
        { roles: ["node"], ttl: 1.5 * MINUTE + 0.5 },
        "ttl: expected a whole number of milliseconds",
      ],
      [
        { roles: ["node"], ttl: MINUTE, token: "short" },
        "token: a token must be at least 8 characters long",
      ],
      [
        { roles: ["node"], ttl: MINUTE, token: "has space in it" },
        "token: a token may contain only letters, digits and . _ ~ + = -",
      ],
      [
        { roles: ["node"], ttl: MINUTE, labels: { "bad key": "x" } },
        'labels: "bad key": expected a label name of letters, digits and / . _ : * -',
      ],
    ];
    for (const [request, problem] of cases) {
      await assert.rejects(
        // Deliberately malformed requests, as an API body could be.
        tokens.add(request as Parameters<TokenService["add"]>[0]),
        (error: unknown) =>
          error instanceof TokenInputError &&
          error.problems.length === 1 &&
          error.problems[0] === problem,
        problem,
      );
    }
  });

  it("treats static tokens as never expiring and not removable", async () => {
    const { clock, tokens } = setup();
    clock.advance(10 * 365 * 24 * 60 * MINUTE);
    assert.deepEqual(await tokens.validate(STATIC, "proxy"), {
      token: STATIC,
      roles: ["proxy", "node"],
      labels: {},
      static: true,
    });
    await assert.rejects(tokens.validate(STATIC, "auth"), {
      message: "token is not valid for role auth: it allows proxy, node",
    });
    await assert.rejects(tokens.remove(STATIC), {
      name: "StaticTokenError",
      message:
        "this token comes from auth_service.tokens in teleport.yaml and cannot be removed with " +
        "tctl: remove it from that file and restart the auth service",
    });
    await assert.rejects(tokens.remove(STATIC), StaticTokenError);
    // consume() cannot retire what teleport.yaml defines: it stays valid.
    await tokens.consume(STATIC, "node");
    await tokens.validate(STATIC, "node");
  });

  it("refuses static tokens with unknown roles from the config", () => {
    const backend = new MemoryBackend();
    assert.throws(
      () =>
        new TokenService(backend, {
          staticTokens: [{ roles: ["nodes" as "node"], token: "x" }],
        }),
      {
        name: "TokenInputError",
        message:
          'invalid token request: auth_service.tokens[0]: roles.0: unknown role "nodes": expected ' +
          "one of auth, node, proxy, kube, app, db, windowsdesktop, discovery, trusted_cluster",
      },
    );
  });

  it("lists live tokens and static ones, sorted by value", async () => {
    const { tokens } = setup();
    await tokens.add({ roles: ["node"], ttl: MINUTE, token: "zzzz-last-token" });
    await tokens.add({ roles: ["app"], ttl: MINUTE, token: "aaaa-first-token" });
    assert.deepEqual(
      (await tokens.list()).map((t) => [t.token, t.static]),
      [
        ["aaaa-first-token", false],
        [STATIC, true],
        ["zzzz-last-token", false],
      ],
    );
  });
});

describe("tctl output", () => {
  it("formats nodes add like Teleport, plus the teleport.yaml lines (auth server)", () => {
    const text = formatNodesAdd({
      token: "abcd123-insecure-do-not-use-this",
      roles: ["node"],
      ttl: 5 * MINUTE,
      caPin: "sha256:abdc1245efgh5678",
      authAddr: "127.0.0.1:3025",
    });
    assert.equal(
      text,
      `The invite token: abcd123-insecure-do-not-use-this
This token will expire in 5 minutes.

Run this on the new node to join the cluster:

> teleport start \\
   --roles=node \\
   --token=abcd123-insecure-do-not-use-this \\
   --ca-pin=sha256:abdc1245efgh5678 \\
   --auth-server=127.0.0.1:3025

Please note:

  - This invitation token will expire in 5 minutes
  - 127.0.0.1:3025 must be reachable from the new node

Or, to join with a config file, put these lines in the new node's teleport.yaml:

teleport:
  auth_token: abcd123-insecure-do-not-use-this
  ca_pin: sha256:abdc1245efgh5678
  auth_server: 127.0.0.1:3025
`,
    );
  });

  it("uses proxy_server in the teleport.yaml lines when given the proxy", () => {
    const text = formatNodesAdd({
      token: "t0k3n-value",
      roles: ["node", "app"],
      ttl: 60 * MINUTE,
      caPin: "sha256:00",
      proxyAddr: "proxy.example.com:3080",
    });
    assert.ok(
      text.startsWith("The invite token: t0k3n-value\nThis token will expire in 1 hour.\n"),
    );
    assert.ok(text.includes("   --roles=node,app \\\n"));
    assert.ok(text.includes("   --auth-server=proxy.example.com:3080\n"));
    assert.ok(text.includes("  - This invitation token will expire in 1 hour\n"));
    assert.ok(
      text.endsWith(
        "teleport:\n  auth_token: t0k3n-value\n  ca_pin: sha256:00\n  proxy_server: proxy.example.com:3080\n",
      ),
    );
  });

  it("formats tokens ls as Teleport 14's table", () => {
    const now = new Date("2018-09-25T00:16:01Z");
    const tokens: JoinToken[] = [
      {
        token: "abcd123-insecure-do-not-use-this",
        roles: ["node"],
        labels: {},
        expires: new Date("2018-09-25T00:21:00Z"),
        static: false,
      },
      {
        token: "0123456789abcdef0123456789abcdef",
        roles: ["node", "trusted_cluster"],
        labels: { team: "db", env: "prod" },
        expires: new Date("2018-09-26T02:21:30Z"),
        static: false,
      },
      { token: "static-one", roles: ["proxy"], labels: {}, static: true },
    ];
    assert.equal(
      formatTokensTable(tokens, now),
      [
        "Token                            Type                 Labels           Expiry Time (UTC)",
        "-------------------------------- -------------------- ---------------- ------------------------------",
        "abcd123-insecure-do-not-use-this Node                                  25 Sep 18 00:21 UTC (4m59s)",
        "0123456789abcdef0123456789abcdef Node,Trusted_cluster env=prod,team=db 26 Sep 18 02:21 UTC (26h5m29s)",
        "static-one                       Proxy                                 never",
        "",
      ].join("\n"),
    );
  });

  it("says so when there are no tokens", () => {
    assert.equal(formatTokensTable([], new Date()), "No active tokens found.\n");
  });

  it("writes times as Go's RFC822 in UTC", () => {
    assert.equal(formatRfc822(new Date("2018-09-25T00:21:59Z")), "25 Sep 18 00:21 UTC");
    assert.equal(formatRfc822(new Date("2031-01-02T13:05:00Z")), "02 Jan 31 13:05 UTC");
  });
});
