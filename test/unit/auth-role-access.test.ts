import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allows,
  canAccessNode,
  enhancedRecordingKinds,
  loginsFor,
  maxSessionTtl,
  parseRole,
  presetRoles,
  type Role,
} from "../../src/auth/roles/index.js";

const HOUR = 3_600_000;

/** A role from the parts of its spec a test cares about. */
function role(name: string, spec: Record<string, unknown> = {}): Role {
  return parseRole({ kind: "role", version: "v7", metadata: { name }, spec });
}

function preset(name: string): Role {
  const found = presetRoles().find((r) => r.metadata.name === name);
  assert.ok(found, name);
  return found;
}

describe("loginsFor", () => {
  const user = { traits: { logins: ["alice", "root"], team: ["db"], empty: [] } };
  const cases: [string, Role[], string[]][] = [
    ["the access preset gives the user's own logins", [preset("access")], ["alice", "root"]],
    [
      "literal logins",
      [role("a", { allow: { logins: ["ubuntu", "ec2-user"] } })],
      ["ubuntu", "ec2-user"],
    ],
    [
      "external traits with a prefix and a suffix",
      [role("a", { allow: { logins: ["{{external.team}}-admin", "x-{{internal.team}}"] } })],
      ["db-admin", "x-db"],
    ],
    [
      "missing or empty traits give nothing",
      [role("a", { allow: { logins: ["{{internal.nope}}", "{{internal.empty}}", "ok"] } })],
      ["ok"],
    ],
    [
      "union over roles, without repeats",
      [role("a", { allow: { logins: ["root", "x"] } }), preset("access")],
      ["root", "x", "alice"],
    ],
    [
      "deny wins, templates included",
      [
        preset("access"),
        role("d", { deny: { logins: ["{{internal.logins}}"] }, allow: { logins: ["ops"] } }),
      ],
      ["ops"],
    ],
    ["deny of a literal", [preset("access"), role("d", { deny: { logins: ["root"] } })], ["alice"]],
    ["no roles, no logins", [], []],
  ];
  for (const [name, roles, logins] of cases) {
    it(name, () => assert.deepEqual(loginsFor(roles, user), logins));
  }
});

describe("canAccessNode", () => {
  const all = role("all", { allow: { node_labels: { "*": "*" } } });
  const dev = role("dev", { allow: { node_labels: { env: ["dev", "staging"] } } });
  const anyEnv = role("any-env", { allow: { node_labels: { env: "*" } } });
  const devInEu = role("dev-eu", {
    allow: { node_labels: { env: "dev", region: "^eu-(west|north)-[0-9]+$" } },
  });
  const glob = role("glob", { allow: { node_labels: { host: "web-*" } } });
  const noLabels = role("none", { allow: { logins: ["x"] } });
  const denyProd = role("deny-prod", { deny: { node_labels: { env: "prod" } } });
  const denyAll = role("deny-all", { deny: { node_labels: { "*": "*" } } });
  const denyRegex = role("deny-re", { deny: { node_labels: { host: "^db-.*$" } } });

  const cases: [string, Role[], Record<string, string>, boolean][] = [
    ["'*': '*' matches any node", [all], { env: "prod" }, true],
    ["'*': '*' matches a node without labels", [all], {}, true],
    ["a value from the list", [dev], { env: "staging" }, true],
    ["a value not in the list", [dev], { env: "prod" }, false],
    ["a missing label", [dev], { region: "eu" }, false],
    ["'*' as a value needs the label, any value", [anyEnv], { env: "whatever" }, true],
    ["'*' as a value, label missing", [anyEnv], {}, false],
    [
      "every selector label must match (regex ok)",
      [devInEu],
      { env: "dev", region: "eu-west-1" },
      true,
    ],
    [
      "every selector label must match (regex fails)",
      [devInEu],
      { env: "dev", region: "us-east-1" },
      false,
    ],
    ["a regex is anchored as written", [devInEu], { env: "dev", region: "eu-west-1x" }, false],
    ["one label of two", [devInEu], { env: "dev" }, false],
    ["glob values", [glob], { host: "web-01" }, true],
    ["glob values are anchored", [glob], { host: "old-web-01" }, false],
    [
      "glob dots are literal",
      [role("g", { allow: { node_labels: { host: "a.b" } } })],
      { host: "axb" },
      false,
    ],
    ["a role without node_labels gives no nodes", [noLabels], { env: "dev" }, false],
    ["no roles, no nodes", [], {}, false],
    ["any allowing role is enough", [noLabels, dev], { env: "dev" }, true],
    ["deny wins over '*'", [all, denyProd], { env: "prod" }, false],
    ["deny only where it matches", [all, denyProd], { env: "dev" }, true],
    ["deny '*': '*' blocks everything", [all, denyAll], {}, false],
    ["deny by regex", [all, denyRegex], { host: "db-1" }, false],
    ["deny by regex, no match", [all, denyRegex], { host: "web-1" }, true],
  ];
  for (const [name, roles, labels, expected] of cases) {
    it(name, () => assert.equal(canAccessNode(roles, labels), expected));
  }
});

describe("enhancedRecordingKinds and maxSessionTtl", () => {
  it("takes the union of recording kinds, in a fixed order", () => {
    const disk = role("d", { options: { enhanced_recording: ["disk"] } });
    const network = role("n", { options: { enhanced_recording: ["network", "command"] } });
    assert.deepEqual(enhancedRecordingKinds([disk]), ["disk"]);
    assert.deepEqual(enhancedRecordingKinds([disk, network]), ["command", "disk", "network"]);
    assert.deepEqual(enhancedRecordingKinds([preset("access")]), ["command", "network"]);
    assert.deepEqual(enhancedRecordingKinds([]), []);
  });

  it("takes the shortest max_session_ttl", () => {
    const short = role("s", { options: { max_session_ttl: "1h30m" } });
    assert.equal(maxSessionTtl([preset("access")]), 30 * HOUR);
    assert.equal(maxSessionTtl([preset("access"), short]), 1.5 * HOUR);
    assert.equal(maxSessionTtl([]), 0);
  });
});

describe("allows", () => {
  const editor = preset("editor");
  const auditor = preset("auditor");
  const admin = role("admin", { allow: { rules: [{ resources: ["*"], verbs: ["*"] }] } });
  const noTokens = role("no-tokens", { deny: { rules: [{ resources: ["token"], verbs: ["*"] }] } });
  const reader = role("reader", { allow: { rules: [{ resources: ["role"], verbs: ["read"] }] } });

  const cases: [string, Role[], string, string, boolean][] = [
    ["editor creates users", [editor], "user", "create", true],
    ["editor deletes tokens", [editor], "token", "delete", true],
    ["editor reads the audit log", [editor], "event", "read", true],
    ["editor cannot delete sessions", [editor], "session", "delete", false],
    ["auditor lists events", [auditor], "event", "list", true],
    ["auditor reads sessions", [auditor], "session", "read", true],
    ["auditor cannot delete sessions", [auditor], "session", "delete", false],
    ["auditor cannot touch users", [auditor], "user", "list", false],
    ["access has no rules", [preset("access")], "user", "list", false],
    ["wildcards", [admin], "cert_authority", "rotate", true],
    ["deny wins over wildcards", [admin, noTokens], "token", "create", false],
    ["deny only its resource", [admin, noTokens], "user", "create", true],
    ["read covers readnosecrets", [reader], "role", "readnosecrets", true],
    [
      "readnosecrets does not cover read",
      [role("r", { allow: { rules: [{ resources: ["role"], verbs: ["readnosecrets"] }] } })],
      "role",
      "read",
      false,
    ],
    ["no roles allow nothing", [], "user", "list", false],
  ];
  for (const [name, roles, resource, verb, expected] of cases) {
    it(name, () => assert.equal(allows(roles, resource, verb), expected));
  }
});
