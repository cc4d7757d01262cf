// The role option `enhanced_recording` picks which kinds of events a user's sessions record:
// the same commands give command events only, command and network events (the default), or
// command, disk and network events, depending on the user's role.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addHostAccount, type HostAccount } from "../helpers/host-account.js";
import { startHttpListener, type HttpListener } from "../helpers/http-listener.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

type AuditEvent = Record<string, unknown>;

/** A role as `tctl create` takes it: any node, the user's own logins, the kinds given. */
function roleYaml(name: string, kinds: string[]): string {
  return [
    "kind: role",
    "version: v7",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  allow:",
    "    logins: ['{{internal.logins}}']",
    "    node_labels:",
    "      '*': '*'",
    "  options:",
    `    enhanced_recording: [${kinds.join(", ")}]`,
    "",
  ].join("\n");
}

describe("enhanced_recording in a role", { skip }, () => {
  let f: NodeFixture;
  let account: HostAccount | undefined;
  let http: HttpListener | undefined;
  let port: number;
  const users = new Map<string, UserFiles>();

  before(async () => {
    http = await startHttpListener("ok\n");
    port = http.port;
    f = await startNodeFixture();
    account = addHostAccount();
    // Before any login: the node caches the roles it fetched for a while.
    await f.auth.admin.putRole(roleYaml("commands-only", ["command"]));
    await f.auth.admin.putRole(roleYaml("everything", ["command", "disk", "network"]));
    const logins = [account.login];
    users.set("cmd-user", await f.addUser("cmd-user", { roles: ["commands-only"], logins }));
    users.set("default-user", await f.addUser("default-user", { roles: ["access"], logins }));
    users.set("disk-user", await f.addUser("disk-user", { roles: ["everything"], logins }));
  });

  after(async () => {
    await f?.close();
    account?.remove();
    await http?.close();
  });

  it("records only the kinds the user's role lists", async () => {
    assert.ok(account);
    const command = `curl -s http://127.0.0.1:${port}/; /bin/cat /etc/hostname`;
    for (const [name, files] of users) {
      const result = await f.ssh(files, account.login, command);
      assert.equal(result.status, 0, `${name}: ${result.stderr}`);
      assert.match(result.stdout, /^ok\n/, name);
    }

    const byUser = new Map<string, AuditEvent[]>();
    for (const sid of await f.recordings(users.size)) {
      const { events } = await f.auth.admin.searchEvents({ sid, limit: "1000" });
      const user = String(events.find((e) => e["event"] === "session.start")?.["user"]);
      assert.equal(byUser.has(user), false, `one session of ${user}`);
      byUser.set(user, events);
    }
    const of = (user: string, type: string): AuditEvent[] =>
      (byUser.get(user) ?? []).filter((e) => e["event"] === type);
    const commandLines = (user: string): string[] =>
      of(user, "session.command")
        .map((e) => `${String(e["program"])} ${JSON.stringify(e["argv"])}`)
        .sort();
    const connections = (user: string): AuditEvent[] =>
      of(user, "session.network").filter((e) => e["dst_port"] === port);

    // The same commands everywhere, each user's session recording them.
    const expected = [
      `cat ${JSON.stringify(["/etc/hostname"])}`,
      `curl ${JSON.stringify(["-s", `http://127.0.0.1:${port}/`])}`,
      `sh ${JSON.stringify(["-c", command])}`,
    ];
    for (const user of users.keys()) assert.deepEqual(commandLines(user), expected, user);

    assert.deepEqual(of("cmd-user", "session.network"), [], "commands-only: no network events");
    assert.deepEqual(of("cmd-user", "session.disk"), [], "commands-only: no disk events");

    assert.equal(connections("default-user").length, 1, "default: curl's connection");
    assert.deepEqual(of("default-user", "session.disk"), [], "default: no disk events");

    assert.equal(connections("disk-user").length, 1, "disk role: curl's connection");
    const opened = of("disk-user", "session.disk").filter((e) => e["path"] === "/etc/hostname");
    assert.equal(opened.length, 1, "disk role: cat opening /etc/hostname");
    assert.equal(opened[0]?.["program"], "cat");
  });
});
