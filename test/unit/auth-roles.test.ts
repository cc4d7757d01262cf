import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_MAX_SESSION_TTL,
  RoleInUseError,
  RoleNotFoundError,
  RoleService,
  RoleValidationError,
  parseRoleYaml,
  toYaml,
  type Role,
} from "../../src/auth/roles/index.js";
import { UserService } from "../../src/auth/users/index.js";
import { MemoryBackend } from "../helpers/memory-backend.js";

const HEAD = "kind: role\nversion: v7\nmetadata:\n  name: dev\n";

function problemsOf(text: string): readonly string[] {
  try {
    parseRoleYaml(text);
  } catch (error) {
    if (error instanceof RoleValidationError) return error.problems;
    throw error;
  }
  assert.fail(`expected the role to be refused:\n${text}`);
}

describe("role YAML", () => {
  it("reads a Teleport role with defaults filled in", () => {
    const role = parseRoleYaml(`kind: role
version: v7
metadata:
  name: dev
spec:
  allow:
    logins: ['{{internal.logins}}', ubuntu]
    node_labels:
      env: [dev, staging]
      region: '^eu-.*$'
    rules:
      - resources: [session]
        verbs: [list, read]
  deny:
    logins: [root]
  options:
    enhanced_recording: [command, disk]
    max_session_ttl: 8h
`);
    assert.deepEqual(role, {
      kind: "role",
      version: "v7",
      metadata: { name: "dev" },
      spec: {
        allow: {
          logins: ["{{internal.logins}}", "ubuntu"],
          node_labels: { env: ["dev", "staging"], region: ["^eu-.*$"] },
          rules: [{ resources: ["session"], verbs: ["list", "read"] }],
        },
        deny: { logins: ["root"], node_labels: {}, rules: [] },
        options: { enhanced_recording: ["command", "disk"], max_session_ttl: 8 * 3_600_000 },
      },
    } satisfies Role);
  });

  it("uses Teleport's defaults for options left out (or an empty enhanced_recording)", () => {
    const role = parseRoleYaml(`${HEAD}spec:\n  options:\n    enhanced_recording: []\n`);
    assert.deepEqual(role.spec.options, {
      enhanced_recording: ["command", "network"],
      max_session_ttl: DEFAULT_MAX_SESSION_TTL,
    });
    assert.deepEqual(parseRoleYaml(HEAD).spec.options, role.spec.options);
  });

  it("writes YAML that reads back to the same role", () => {
    const role = parseRoleYaml(`${HEAD}spec:
  allow:
    logins: [a, b]
    node_labels: { '*': '*', env: [x, y] }
    rules: [{ resources: ['*'], verbs: ['*'] }]
  options:
    max_session_ttl: 1h30m
`);
    const yaml = toYaml(role);
    assert.ok(yaml.includes("max_session_ttl: 1h30m0s\n"), yaml);
    assert.ok(yaml.includes('"*": "*"'), yaml);
    assert.deepEqual(parseRoleYaml(yaml), role);
  });

  it("refuses malformed roles, naming the field and what is wrong", () => {
    const cases: [string, string[]][] = [
      ["kind: user\nversion: v7\nmetadata:\n  name: dev\n", ['kind: expected "role", got "user"']],
      [
        "kind: role\nversion: v8\nmetadata:\n  name: dev\n",
        ['version: expected one of v5, v6, v7, got "v8"'],
      ],
      [
        "kind: role\nversion: v7\nmetadata:\n  description: no name\n",
        ["metadata.name: expected a string, got nothing"],
      ],
      [
        "kind: role\nversion: v7\nmetadata:\n  name: my role\n",
        [
          'metadata.name: expected a name of letters, digits and . _ @ : - (not starting with a sign), got "my role"',
        ],
      ],
      [
        `${HEAD}spec:\n  options:\n    enhanced_recording: [command, dsk]\n`,
        ['spec.options.enhanced_recording[1]: expected one of command, disk, network, got "dsk"'],
      ],
      [
        `${HEAD}spec:\n  options:\n    max_session_ttl: 30 hours\n`,
        [
          'spec.options.max_session_ttl: expected a Go duration such as "30h" or "1h30m", got "30 hours"',
        ],
      ],
      [
        `${HEAD}spec:\n  allow:\n    logins: root\n`,
        ['spec.allow.logins: expected a list, got "root"'],
      ],
      [
        `${HEAD}spec:\n  allow:\n    login: [root]\n`,
        ['spec.allow: unknown field "login"; did you mean "logins"?'],
      ],
      [
        `${HEAD}spec:\n  allow:\n    node_labels:\n      env: 5\n`,
        ["spec.allow.node_labels.env: expected a string or a list of strings, got 5"],
      ],
      [
        `${HEAD}spec:\n  allow:\n    node_labels:\n      env: '^(dev$'\n`,
        ['spec.allow.node_labels.env: invalid regular expression "^(dev$": Unterminated group'],
      ],
      [
        `${HEAD}spec:\n  allow:\n    node_labels:\n      'bad key': x\n`,
        [
          'spec.allow.node_labels: invalid label name "bad key": use letters, digits and / . _ : * -',
        ],
      ],
      [
        `${HEAD}spec:\n  allow:\n    rules:\n      - resources: [users]\n        verbs: [list, write]\n`,
        [
          'spec.allow.rules[0].resources[0]: expected one of *, user, role, token, node, event, session, cert_authority, auth_server, proxy, cluster_name, cluster_auth_preference, lock, got "users"; did you mean "user"?',
          'spec.allow.rules[0].verbs[1]: expected one of *, list, create, read, readnosecrets, update, delete, rotate, got "write"',
        ],
      ],
      [
        `${HEAD}spec:\n  allow:\n    rules:\n      - resources: []\n        verbs: [list]\n        where: x\n`,
        [
          'spec.allow.rules[0].resources: expected at least one resource, or "*" for all',
          'spec.allow.rules[0]: unknown field "where" (expected resources, verbs)',
        ],
      ],
      [
        `${HEAD}spec:\n  allow:\n    logins: ['{{email.local(external.email)}}', '{{internal.logins']\n`,
        [
          'spec.allow.logins[0]: unsupported template "{{email.local(external.email)}}": expected {{internal.NAME}} or {{external.NAME}}',
          'spec.allow.logins[1]: unclosed template in "{{internal.logins": expected {{internal.NAME}} or {{external.NAME}}',
        ],
      ],
      [
        `${HEAD}spec:\n  allow:\n    logins: [root, 7, '', 'a b']\n`,
        [
          "spec.allow.logins[1]: expected a string, got 7",
          "spec.allow.logins[2]: a login must not be empty",
          'spec.allow.logins[3]: a login cannot contain spaces: "a b"',
        ],
      ],
      [
        `${HEAD}spec:\n  deny:\n    node_labels:\n      '*': ['{{internal.x}}']\n`,
        [
          'spec.deny.node_labels["*"][0]: templates are not supported in node_labels: "{{internal.x}}"',
        ],
      ],
      [
        `${HEAD}spec:\n  options:\n    forward_agent: true\n`,
        [
          'spec.options: unknown field "forward_agent" (expected enhanced_recording, max_session_ttl)',
        ],
      ],
      [`${HEAD}spce: {}\n`, ['unknown field "spce"; did you mean "spec"?']],
      ["- a\n- b\n", ["a role must be a mapping (kind: role, ...), got a list"]],
      [
        "kind: role\n  bad: indent\n",
        [
          "invalid YAML: line 1, column 7: Nested mappings are not allowed in compact mappings",
          "invalid YAML: line 1, column 7: Implicit keys need to be on a single line",
        ],
      ],
      ["# nothing\n", ["the text holds no role"]],
      [
        `${HEAD}---\n${HEAD}`,
        ["expected one role, got 2 YAML documents: create them one at a time"],
      ],
    ];
    for (const [text, problems] of cases) assert.deepEqual(problemsOf(text), problems, text);
  });

  it("puts the problems in the error's message", () => {
    assert.throws(
      () => parseRoleYaml(`${HEAD}spec:\n  options:\n    enhanced_recording: [dsk]\n`),
      {
        name: "RoleValidationError",
        message:
          'invalid role: spec.options.enhanced_recording[0]: expected one of command, disk, network, got "dsk"',
      },
    );
  });
});

function services() {
  const backend = new MemoryBackend();
  const roles = new RoleService(backend);
  const users = new UserService(backend, { clusterName: "test", events: () => {}, roles });
  return { backend, roles, users };
}

describe("RoleService", () => {
  it("creates the presets once, and never overwrites an admin's change", async () => {
    const { backend, roles } = services();
    assert.deepEqual(await roles.ensurePresets(), ["access", "editor", "auditor"]);
    assert.deepEqual(backend.rawKeys(), ["/roles/access", "/roles/auditor", "/roles/editor"]);
    const access = await roles.get("access");
    assert.deepEqual(access?.spec.allow.logins, ["{{internal.logins}}"]);
    assert.deepEqual(access?.spec.allow.node_labels, { "*": ["*"] });
    assert.deepEqual(access?.spec.options, {
      enhanced_recording: ["command", "network"],
      max_session_ttl: 30 * 3_600_000,
    });
    assert.deepEqual((await roles.get("auditor"))?.spec.allow.rules, [
      { resources: ["event", "session"], verbs: ["list", "read"] },
    ]);
    const editorRules = (await roles.get("editor"))?.spec.allow.rules ?? [];
    for (const resource of ["user", "role", "token", "node"]) {
      assert.ok(
        editorRules.some((rule) => rule.resources.includes(resource as "user")),
        resource,
      );
    }

    await roles.upsertFromYaml(
      "kind: role\nversion: v7\nmetadata:\n  name: access\nspec:\n  allow:\n    logins: [guest]\n",
    );
    assert.deepEqual(await roles.ensurePresets(), []);
    assert.deepEqual((await roles.get("access"))?.spec.allow.logins, ["guest"]);
  });

  it("stores, lists and reads back roles", async () => {
    const { roles } = services();
    await roles.upsertFromYaml(`${HEAD}spec:\n  allow:\n    logins: [dev]\n`);
    await roles.upsert({ kind: "role", version: "v6", metadata: { name: "ci" } });
    assert.deepEqual(
      (await roles.list()).map((role) => role.metadata.name),
      ["ci", "dev"],
    );
    assert.deepEqual((await roles.get("dev"))?.spec.allow.logins, ["dev"]);
    assert.equal(await roles.get("nope"), undefined);
    assert.equal(await roles.get("../users/alice"), undefined);
    await assert.rejects(roles.upsert({ kind: "role" }), RoleValidationError);
  });

  it("refuses to remove a role users still hold, naming them", async () => {
    const { roles, users } = services();
    await roles.ensurePresets();
    await users.add({ name: "bob", roles: ["access"] });
    await users.add({ name: "alice", roles: ["access", "editor"] });
    await assert.rejects(roles.remove("access"), {
      name: "RoleInUseError",
      message:
        'role "access" is still assigned to users alice, bob: give them other roles or remove ' +
        "them (tctl users rm NAME) first",
    });
    await assert.rejects(roles.remove("editor"), RoleInUseError);
    await roles.remove("auditor");
    await assert.rejects(roles.remove("auditor"), {
      name: "RoleNotFoundError",
      message: 'role "auditor" is not found: tctl get roles lists the roles there are',
    });
    await users.remove("alice");
    await roles.remove("editor");
    await assert.rejects(roles.remove("editor"), RoleNotFoundError);
  });

  it("says which stored role is damaged", async () => {
    const { backend, roles } = services();
    await backend.put("/roles/broken", '{"kind":"role"}');
    await assert.rejects(roles.get("broken"), {
      name: "StoredRoleError",
      message:
        "the stored role /roles/broken is damaged (version: expected one of v5, v6, v7, got nothing; " +
        "metadata: expected a mapping, got nothing): recreate it with tctl create -f ROLE.yaml",
    });
  });
});
