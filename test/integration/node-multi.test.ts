// The guide's "Isolate session system resources": two node instances on one host, each with its
// own data_dir, port and cgroup root_path, joined to one cluster. Each records only its own
// sessions, and stopping one leaves the other recording.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { startNodeService, type NodeService } from "../../src/node/index.js";
import { freePort } from "../helpers/net.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { tempDir } from "../helpers/tmp.js";
import { startAuthFixture, type AuthFixture } from "./auth-fixture.js";
import { createUserFiles, joiningNodeYaml, opensshArgs } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

interface Instance {
  name: string;
  port: number;
  rootPath: string;
  node: NodeService;
}

describe("two node instances on one host", { skip }, () => {
  let auth: AuthFixture | undefined;
  const instances: Instance[] = [];
  after(async () => {
    for (const instance of instances) {
      await instance.node.close();
      const root = join(findCgroup2Mount() ?? "/sys/fs/cgroup", instance.rootPath);
      if (existsSync(root)) rmdirSync(root);
    }
    await auth?.close();
  });

  async function startInstance(fixture: AuthFixture, name: string): Promise<Instance> {
    const dir = tempDir(`${name}-`);
    const port = await freePort();
    const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
    const yaml = await joiningNodeYaml(fixture, {
      nodename: name,
      dataDir: join(dir, "data"),
      port,
      rootPath,
      enhanced: true,
      labels: { instance: name },
      sshServiceLines: [],
    });
    const logger = createLogger({
      output: join(dir, "node.log"),
      severity: "INFO",
      format: "json",
    });
    const node = await startNodeService({ config: parseConfig(yaml, `${name}.yaml`), logger });
    const instance = { name, port, rootPath, node };
    instances.push(instance);
    return instance;
  }

  it("records each instance's sessions only there, and one stopping leaves the other working", async () => {
    auth = await startAuthFixture();
    const fixture = auth;
    const [a, b] = [await startInstance(fixture, "node-a"), await startInstance(fixture, "node-b")];
    assert.ok(a && b);
    const user = await createUserFiles(fixture, join(tempDir("multi-user-"), "alice"), "alice", {
      roles: ["access"],
      logins: ["root"],
    });
    const run = (instance: Instance, command: string) =>
      runOpenSsh(
        opensshArgs({
          port: instance.port,
          user,
          login: "root",
          command,
          hostAlias: `${instance.name}.${fixture.clusterName}`,
        }),
      );

    // At the same time: each runs its own marker command.
    const results = await Promise.all([
      run(a, "/bin/echo on-node-a"),
      run(b, "/bin/echo on-node-b"),
    ]);
    assert.deepEqual(
      results.map((r) => r.stdout),
      ["on-node-a\n", "on-node-b\n"],
      results.map((r) => r.stderr).join("\n"),
    );

    const nodes = await fixture.admin.listNodes();
    assert.deepEqual(nodes.map((n) => n.hostname).sort(), ["node-a", "node-b"]);
    const hostIds = new Map([
      [a.node.identity.hostId, "a"],
      [b.node.identity.hostId, "b"],
    ]);
    const recorded = await waitForCommands(fixture, 2);
    for (const event of recorded) {
      const which = hostIds.get(String(event["server_id"]));
      assert.ok(which, `an event from an unknown server: ${JSON.stringify(event)}`);
      const markers = JSON.stringify(event["argv"]).match(/on-node-[ab]/g) ?? [];
      assert.ok(
        markers.every((m) => m === `on-node-${which}`),
        `node ${which} recorded another instance's command: ${JSON.stringify(event)}`,
      );
    }
    for (const which of ["a", "b"]) {
      assert.ok(
        recorded.some(
          (e) => e["path"] === "/bin/echo" && JSON.stringify(e["argv"]) === `["on-node-${which}"]`,
        ),
        `node ${which} recorded its own echo`,
      );
    }

    // Stopping one instance must not take the other's cgroups or BPF programs with it.
    await a.node.close();
    instances.splice(instances.indexOf(a), 1);
    const rootA = join(findCgroup2Mount() ?? "/sys/fs/cgroup", a.rootPath);
    if (existsSync(rootA)) rmdirSync(rootA);
    const again = await run(b, "/bin/echo still-on-node-b");
    assert.equal(again.stdout, "still-on-node-b\n", again.stderr);
    const later = await waitForCommands(fixture, 3);
    assert.ok(
      later.some((e) => JSON.stringify(e["argv"]) === '["still-on-node-b"]'),
      "node b still records after node a stopped",
    );
  });
});

/** The session.command events of every published recording, once `count` are published. */
async function waitForCommands(
  auth: AuthFixture,
  count: number,
): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const recordings = await auth.admin.listRecordings();
    if (recordings.length >= count) {
      const events = (await auth.admin.searchEvents({ limit: "5000" })).events;
      return events.filter((e) => e["event"] === "session.command");
    }
    if (Date.now() > deadline)
      throw new Error(`${recordings.length} of ${count} recordings published`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
